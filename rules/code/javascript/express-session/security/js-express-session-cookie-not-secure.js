const express = require('express');
const session = require('express-session');

const app = express();
const cookieOptions = { secure: true, httpOnly: true, sameSite: 'lax' };

// ruleid: js-express-session-cookie-not-secure
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));

// ruleid: js-express-session-cookie-not-secure
app.use('/admin', session({ secret: process.env.ADMIN_SESSION_SECRET, cookie: { httpOnly: true, maxAge: 3600e3 } }));

// ruleid: js-express-session-cookie-not-secure
app.use('/legacy', session({ secret: process.env.SESSION_SECRET, cookie: { secure: false } }));

// ok: js-express-session-cookie-not-secure
app.use('/app', session({ secret: process.env.SESSION_SECRET, cookie: { secure: true, httpOnly: true, sameSite: 'lax' } }));

// ok: js-express-session-cookie-not-secure
app.use('/api', session({ secret: process.env.SESSION_SECRET, proxy: true, cookie: { secure: 'auto' } }));

// ok: js-express-session-cookie-not-secure
app.use('/shop', session({ secret: process.env.SESSION_SECRET, cookie: cookieOptions }));

module.exports = app;
