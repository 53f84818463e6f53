const express = require('express');
const cookieSession = require('cookie-session');

const app = express();

app.use(cookieSession({
  name: 'session',
  // ruleid: js-cookie-session-hardcoded-keys
  keys: ['s3cr3t-fake-key-1', 's3cr3t-fake-key-2'],
  maxAge: 24 * 3600e3,
}));

app.use('/legacy', cookieSession({
  name: 'legacy',
  // ruleid: js-cookie-session-hardcoded-keys
  secret: process.env.LEGACY_COOKIE_SECRET || 'legacy-fallback',
}));

app.use('/app', cookieSession({
  name: 'app',
  // ok: js-cookie-session-hardcoded-keys
  keys: [process.env.COOKIE_KEY_CURRENT, process.env.COOKIE_KEY_PREVIOUS],
}));

app.use('/kms', cookieSession({
  name: 'kms',
  // ok: js-cookie-session-hardcoded-keys
  keys: loadKeysFromKms(),
}));

function loadKeysFromKms() {
  return [process.env.KMS_DECRYPTED_COOKIE_KEY];
}

module.exports = app;
