const crypto = require('crypto');

const key = crypto.scryptSync(process.env.DATA_PASSPHRASE, 'per-install-salt', 32);

function encryptSsn(ssn) {
  // ruleid: js-node-crypto-cipher-static-iv
  const cipher = crypto.createCipheriv('aes-256-cbc', key, Buffer.from('0123456789abcdef', 'utf8'));
  return Buffer.concat([cipher.update(ssn, 'utf8'), cipher.final()]).toString('base64');
}

function encryptToken(token) {
  // ruleid: js-node-crypto-cipher-static-iv
  const cipher = crypto.createCipheriv('aes-256-gcm', key, Buffer.alloc(12));
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return Buffer.concat([cipher.getAuthTag(), body]).toString('base64');
}

function encryptAuditLog(line) {
  // ruleid: js-node-crypto-cipher-static-iv
  const cipher = crypto.createCipheriv('aes-128-cbc', 'Jh5Tr8Wq2Nb6Lx3Z', Buffer.from('fedcba9876543210', 'utf8'));
  return Buffer.concat([cipher.update(line, 'utf8'), cipher.final()]).toString('base64');
}

function encryptSsnSafely(ssn) {
  const iv = crypto.randomBytes(16);
  // ok: js-node-crypto-cipher-static-iv
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(ssn, 'utf8'), cipher.final()]).toString('base64');
}

function encryptTokenSafely(token) {
  // ok: js-node-crypto-cipher-static-iv
  const cipher = crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12));
  return cipher;
}

module.exports = { encryptAuditLog, encryptSsn, encryptToken, encryptSsnSafely, encryptTokenSafely };
