const express = require('express');
const session = require('express-session');

const app = express();

app.use(session({
  // ruleid: js-express-session-hardcoded-secret
  secret: 'keyboard cat',
  resave: false,
  saveUninitialized: false,
  cookie: { secure: true },
}));

app.use('/admin', session({
  // ruleid: js-express-session-hardcoded-secret
  secret: process.env.ADMIN_SESSION_SECRET || 'fallback-admin-secret',
  cookie: { secure: true },
}));

app.use('/app', session({
  // ok: js-express-session-hardcoded-secret
  secret: process.env.SESSION_SECRET,
  cookie: { secure: true },
}));

app.use('/rotating', session({
  // ok: js-express-session-hardcoded-secret
  secret: [process.env.SESSION_SECRET_CURRENT, process.env.SESSION_SECRET_PREVIOUS],
  cookie: { secure: true },
}));

module.exports = app;
