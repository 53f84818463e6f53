const express = require('express');
const cors = require('cors');

const app = express();

// ruleid: js-cors-wildcard-origin-with-credentials
app.use(cors({ origin: '*', credentials: true }));

// ruleid: js-cors-wildcard-origin-with-credentials
app.use('/api', cors({ credentials: true, methods: ['GET', 'POST'], origin: '*' }));

// ok: js-cors-wildcard-origin-with-credentials
app.use('/public', cors({ origin: '*' }));

// ok: js-cors-wildcard-origin-with-credentials
app.use('/app', cors({ origin: ['https://app.example', 'https://admin.example'], credentials: true }));

module.exports = app;
