const express = require('express');

const app = express();
const cookieOptions = { httpOnly: true, secure: process.env.NODE_ENV === 'production', sameSite: 'lax' };

app.post('/login', async (req, res) => {
  const session = await createSession(req.body.email, req.body.password);
  // ruleid: js-express-cookie-missing-secure
  res.cookie('sid', session.id, { httpOnly: true, sameSite: 'lax' });
  // ruleid: js-express-cookie-missing-secure
  res.cookie('remember_me', session.rememberToken, { httpOnly: true, secure: false, maxAge: 30 * 24 * 3600e3 });
  res.redirect('/');
});

app.post('/login-safe', async (req, res) => {
  const session = await createSession(req.body.email, req.body.password);
  // ok: js-express-cookie-missing-secure
  res.cookie('sid', session.id, { httpOnly: true, secure: true, sameSite: 'lax' });
  // ok: js-express-cookie-missing-secure
  res.cookie('remember_me', session.rememberToken, cookieOptions);
  // ok: js-express-cookie-missing-secure
  res.cookie('locale', 'en-GB');
  res.redirect('/');
});

async function createSession(email, password) {
  return { id: 'sess-id', rememberToken: 'remember', email, password };
}

module.exports = app;
