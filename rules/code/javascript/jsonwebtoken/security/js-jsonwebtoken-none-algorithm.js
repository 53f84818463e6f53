const jwt = require('jsonwebtoken');

const PUBLIC_KEY = process.env.JWT_PUBLIC_KEY;
const PRIVATE_KEY = process.env.JWT_PRIVATE_KEY;

function readClaims(token) {
  // ruleid: js-jsonwebtoken-none-algorithm
  return jwt.verify(token, PUBLIC_KEY, { algorithms: ['RS256', 'none'] });
}

function issueDebugToken(user) {
  // ruleid: js-jsonwebtoken-none-algorithm
  return jwt.sign({ sub: user.id, role: user.role }, '', { algorithm: 'none' });
}

function readLegacyClaims(token) {
  // ruleid: js-jsonwebtoken-none-algorithm
  return jwt.verify(token, 'Nz3Bv8Cx1Qw5Er9T', { algorithms: ['HS256', 'none'] });
}

function readClaimsStrict(token) {
  // ok: js-jsonwebtoken-none-algorithm
  return jwt.verify(token, PUBLIC_KEY, { algorithms: ['RS256'] });
}

function issueToken(user) {
  // ok: js-jsonwebtoken-none-algorithm
  return jwt.sign({ sub: user.id }, PRIVATE_KEY, { algorithm: 'RS256', expiresIn: '15m' });
}

module.exports = { readLegacyClaims, readClaims, issueDebugToken, readClaimsStrict, issueToken };
