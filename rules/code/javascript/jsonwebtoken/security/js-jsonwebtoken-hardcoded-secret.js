const jwt = require('jsonwebtoken');

function issueSession(user) {
  // ruleid: js-jsonwebtoken-hardcoded-secret
  return jwt.sign({ sub: user.id }, 'keyboard-cat-not-a-real-secret', { expiresIn: '1h' });
}

function readSession(token) {
  // ruleid: js-jsonwebtoken-hardcoded-secret
  return jwt.verify(token, process.env.JWT_SECRET || 'change-me', { algorithms: ['HS256'] });
}

function issueSessionFromEnv(user) {
  // ok: js-jsonwebtoken-hardcoded-secret
  return jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: '1h' });
}

function readSessionWithKey(token, publicKeyPem) {
  // ok: js-jsonwebtoken-hardcoded-secret
  return jwt.verify(token, publicKeyPem, { algorithms: ['RS256'] });
}

module.exports = { issueSession, readSession, issueSessionFromEnv, readSessionWithKey };
