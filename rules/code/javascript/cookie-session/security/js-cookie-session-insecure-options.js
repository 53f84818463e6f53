const express = require('express');
const cookieSession = require('cookie-session');

const app = express();

// ruleid: js-cookie-session-insecure-options
app.use(cookieSession({ name: 'cart', keys: [process.env.COOKIE_KEY], signed: false }));

app.use('/account', cookieSession({
  name: 'account',
  keys: [process.env.COOKIE_KEY],
  maxAge: 24 * 3600e3,
}));

// ruleid: js-cookie-session-insecure-options
app.use('/widget', cookieSession({ name: 'widget', keys: [process.env.COOKIE_KEY], httpOnly: false }));

// ok: js-cookie-session-insecure-options
app.use('/app', cookieSession({ name: 'app', keys: [process.env.COOKIE_KEY], secure: true, httpOnly: true, sameSite: 'lax' }));

// ok: js-cookie-session-insecure-options
app.use('/prefs', cookieSession({ name: 'prefs', keys: [process.env.COOKIE_KEY], overwrite: false }));

module.exports = app;
