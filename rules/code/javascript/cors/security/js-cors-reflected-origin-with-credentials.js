const express = require('express');
const cors = require('cors');

const app = express();
const TRUSTED = new Set(['https://app.example', 'https://admin.example']);

// ruleid: js-cors-reflected-origin-with-credentials
app.use(cors({ origin: true, credentials: true }));

// ruleid: js-cors-reflected-origin-with-credentials
app.use('/api', cors({ credentials: true, origin: (origin, callback) => callback(null, true) }));

// ok: js-cors-reflected-origin-with-credentials
app.use('/public', cors({ origin: true }));

// ok: js-cors-reflected-origin-with-credentials
app.use('/app', cors({ origin: (origin, callback) => callback(null, TRUSTED.has(origin)), credentials: true }));

module.exports = app;
