const jwt = require('jsonwebtoken');

const PUBLIC_KEY = process.env.JWT_PUBLIC_KEY;

function requireUser(req, res, next) {
  const token = req.cookies.session;
  // ruleid: js-jsonwebtoken-decode-without-verify
  req.user = jwt.decode(token);
  next();
}

function loadAccount(req, res, next) {
  const claims = jwt.decode(req.headers['x-id-token']);
  // ruleid: js-jsonwebtoken-decode-without-verify
  res.locals.account = claims;
  next();
}

function keyIdOf(token) {
  const decoded = jwt.decode(token, { complete: true });
  // ok: js-jsonwebtoken-decode-without-verify
  const kid = decoded.header.kid;
  return kid;
}

function requireUserVerified(req, res, next) {
  jwt.verify(req.cookies.session, PUBLIC_KEY, { algorithms: ['RS256'] });
  // ok: js-jsonwebtoken-decode-without-verify
  req.user = jwt.decode(req.cookies.session);
  next();
}

module.exports = { requireUser, loadAccount, keyIdOf, requireUserVerified };
