import express from 'express';
import cookieParser from 'cookie-parser';

const app = express();

// ruleid: js-cookie-parser-hardcoded-secret
app.use(cookieParser('not-a-real-cookie-secret'));

// ruleid: js-cookie-parser-hardcoded-secret
app.use('/admin', cookieParser(process.env.ADMIN_COOKIE_SECRET ?? 'admin-fallback-secret'));

// ok: js-cookie-parser-hardcoded-secret
app.use('/app', cookieParser(process.env.COOKIE_SECRET));

// ok: js-cookie-parser-hardcoded-secret
app.use('/public', cookieParser());

export default app;
