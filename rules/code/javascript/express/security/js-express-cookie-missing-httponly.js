const express = require('express');

const app = express();
const SESSION_COOKIE = 'app_session';

app.post('/login', async (req, res) => {
  const session = await createSession(req.body.email, req.body.password);
  // ruleid: js-express-cookie-missing-httponly
  res.cookie(SESSION_COOKIE, session.id, { secure: true, sameSite: 'lax', maxAge: 3600e3 });
  // ruleid: js-express-cookie-missing-httponly
  res.cookie('refresh_token', session.refreshToken);
  res.redirect('/');
});

app.post('/login-safe', async (req, res) => {
  const session = await createSession(req.body.email, req.body.password);
  // ok: js-express-cookie-missing-httponly
  res.cookie(SESSION_COOKIE, session.id, { httpOnly: true, secure: true, sameSite: 'lax' });
  // ok: js-express-cookie-missing-httponly
  res.cookie('XSRF-TOKEN', session.csrfToken, { secure: true, sameSite: 'strict' });
  // ok: js-express-cookie-missing-httponly
  res.cookie('theme', req.body.theme === 'dark' ? 'dark' : 'light');
  res.redirect('/');
});

async function createSession(email, password) {
  return { id: 'sess-id', refreshToken: 'refresh', csrfToken: 'csrf', email, password };
}

module.exports = app;
