const express = require('express');

const app = express();

app.post('/login', async (req, res) => {
  const session = await createSession(req.body.email, req.body.password);
  // ruleid: js-express-cookie-missing-samesite
  res.cookie('session_id', session.id, { httpOnly: true, secure: true });
  // ruleid: js-express-cookie-missing-samesite
  res.cookie('auth_token', session.token, { httpOnly: true, secure: true, sameSite: 'none' });
  res.redirect('/');
});

app.post('/login-safe', async (req, res) => {
  const session = await createSession(req.body.email, req.body.password);
  // ok: js-express-cookie-missing-samesite
  res.cookie('session_id', session.id, { httpOnly: true, secure: true, sameSite: 'lax' });
  // ok: js-express-cookie-missing-samesite
  res.cookie('auth_token', session.token, { httpOnly: true, secure: true, sameSite: 'strict' });
  // ok: js-express-cookie-missing-samesite
  res.cookie('banner_dismissed', '1');
  res.redirect('/');
});

async function createSession(email, password) {
  return { id: 'sess-id', token: 'token', email, password };
}

module.exports = app;
