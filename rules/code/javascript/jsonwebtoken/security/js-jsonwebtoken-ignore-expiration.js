const jwt = require('jsonwebtoken');

const publicKey = process.env.JWT_PUBLIC_KEY;

function currentUser(token) {
  // ruleid: js-jsonwebtoken-ignore-expiration
  return jwt.verify(token, publicKey, { algorithms: ['RS256'], ignoreExpiration: true });
}

function currentUserAsync(token, cb) {
  // ruleid: js-jsonwebtoken-ignore-expiration
  jwt.verify(token, publicKey, { ignoreExpiration: true, algorithms: ['RS256'] }, cb);
}

function legacyUser(token) {
  // ruleid: js-jsonwebtoken-ignore-expiration
  return jwt.verify(token, 'Lk9Hs2Qp7Wm4Zr8X', { algorithms: ['HS256'], ignoreExpiration: true });
}

function currentUserStrict(token) {
  // ok: js-jsonwebtoken-ignore-expiration
  return jwt.verify(token, publicKey, { algorithms: ['RS256'], maxAge: '15m' });
}

function currentUserExplicit(token) {
  // ok: js-jsonwebtoken-ignore-expiration
  return jwt.verify(token, publicKey, { algorithms: ['RS256'], ignoreExpiration: false });
}

module.exports = { legacyUser, currentUser, currentUserAsync, currentUserStrict, currentUserExplicit };
