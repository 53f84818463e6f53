const express = require('express');
const helmet = require('helmet');

const app = express();

// ruleid: js-helmet-hsts-disabled
app.use(helmet({ hsts: false }));

const legacy = express();
// ruleid: js-helmet-hsts-disabled
legacy.use(helmet({ referrerPolicy: { policy: 'no-referrer' }, strictTransportSecurity: false }));

const site = express();
// ok: js-helmet-hsts-disabled
site.use(helmet({ hsts: { maxAge: 63072000, includeSubDomains: true, preload: true } }));

const api = express();
// ok: js-helmet-hsts-disabled
api.use(helmet());

module.exports = { app, legacy, site, api };
