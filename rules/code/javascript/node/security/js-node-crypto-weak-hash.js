const crypto = require('crypto');

function signDownloadLink(path, expires, secret) {
  // ruleid: js-node-crypto-weak-hash
  const sig = crypto.createHash('md5').update(secret + path + expires).digest('hex');
  return `${path}?expires=${expires}&sig=${sig}`;
}

function storeResetToken(db, userId, resetToken) {
  const h = crypto.createHash('sha1');
  // ruleid: js-node-crypto-weak-hash
  h.update(resetToken);
  return db.query('UPDATE users SET reset_digest = $1 WHERE id = $2', [h.digest('hex'), userId]);
}

function etagFor(body) {
  // ok: js-node-crypto-weak-hash
  return crypto.createHash('md5').update(body).digest('base64');
}

function apiTokenDigest(apiToken) {
  // ok: js-node-crypto-weak-hash
  return crypto.createHash('sha256').update(apiToken).digest('hex');
}

function cacheKey(url) {
  const h = crypto.createHash('sha1');
  // ok: js-node-crypto-weak-hash
  h.update(url);
  return h.digest('hex');
}

module.exports = { signDownloadLink, storeResetToken, etagFor, apiTokenDigest, cacheKey };
