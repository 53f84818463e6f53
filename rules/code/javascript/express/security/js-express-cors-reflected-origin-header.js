const express = require('express');

const app = express();
const ALLOWED_ORIGINS = new Set(['https://app.example', 'https://admin.example']);

app.use('/api', (req, res, next) => {
  // ruleid: js-express-cors-reflected-origin-header
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin || '*');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  next();
});

app.use('/partner', (req, res, next) => {
  const origin = req.get('Origin');
  // ruleid: js-express-cors-reflected-origin-header
  res.header('Access-Control-Allow-Origin', origin);
  next();
});

app.use('/v2', (req, res, next) => {
  const origin = req.headers.origin;
  if (ALLOWED_ORIGINS.has(origin)) {
    // ok: js-express-cors-reflected-origin-header
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  }
  next();
});

app.use('/public', (req, res, next) => {
  // ok: js-express-cors-reflected-origin-header
  res.set('Access-Control-Allow-Origin', ALLOWED_ORIGINS.has(req.headers.origin) ? req.headers.origin : 'https://app.example');
  next();
});

module.exports = app;
