const jwt = require('jsonwebtoken');

const publicKey = process.env.JWT_PUBLIC_KEY;

function authenticate(req, res, next) {
  const token = (req.headers.authorization || '').replace(/^Bearer /, '');
  try {
    // ruleid: js-jsonwebtoken-verify-missing-algorithms
    req.user = jwt.verify(token, publicKey);
    next();
  } catch (err) {
    res.status(401).end();
  }
}

function checkRefreshToken(token, cb) {
  // ruleid: js-jsonwebtoken-verify-missing-algorithms
  jwt.verify(token, publicKey, { issuer: 'auth.example', audience: 'api' }, cb);
}

function checkInternalToken(token) {
  // ruleid: js-jsonwebtoken-verify-missing-algorithms
  return jwt.verify(token, 'Gt6Yh1Uj8Ik3Ol7P');
}

function authenticateStrict(req, res, next) {
  const token = (req.headers.authorization || '').replace(/^Bearer /, '');
  try {
    // ok: js-jsonwebtoken-verify-missing-algorithms
    req.user = jwt.verify(token, publicKey, { algorithms: ['RS256'], issuer: 'auth.example' });
    next();
  } catch (err) {
    res.status(401).end();
  }
}

function checkSignature(verifier, signature) {
  // ok: js-jsonwebtoken-verify-missing-algorithms
  return verifier.verify(publicKey, signature, 'base64');
}

module.exports = { checkInternalToken, authenticate, checkRefreshToken, authenticateStrict, checkSignature };
