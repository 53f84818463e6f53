// ruleid: jwt-exp
jwt.sign(payload, secret);
// ruleid: jwt-exp
jwt.sign(payload, secret, { algorithm: 'HS256' });
// ok: jwt-exp
jwt.sign(payload, secret, { algorithm: 'HS256', expiresIn: '1h' });
// ruleid: log-secret
console.log('user', user.password);
// ruleid: log-secret
logger.info(password);
// ok: log-secret
logger.info(user.name);
track(
  // ruleid: focus-each
  a,
  // ruleid: focus-each
  b,
  // ruleid: focus-each
  c);
