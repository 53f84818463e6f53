import express from 'express';
import session from 'express-session';

const app = express();

// ruleid: js-express-session-cookie-httponly-disabled
app.use(session({ secret: process.env.SESSION_SECRET!, cookie: { secure: true, httpOnly: false } }));

// ruleid: js-express-session-cookie-httponly-disabled
export const spaSession = session({
  secret: process.env.SESSION_SECRET!,
  resave: false,
  cookie: { httpOnly: false, sameSite: 'strict' },
});

// ok: js-express-session-cookie-httponly-disabled
app.use('/app', session({ secret: process.env.SESSION_SECRET!, cookie: { secure: true, httpOnly: true } }));

// ok: js-express-session-cookie-httponly-disabled
app.use('/api', session({ secret: process.env.SESSION_SECRET!, cookie: { secure: true } }));

export default app;
