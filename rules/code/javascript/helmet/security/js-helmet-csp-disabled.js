const express = require('express');
const helmet = require('helmet');

const app = express();

// ruleid: js-helmet-csp-disabled
app.use(helmet({ contentSecurityPolicy: false }));

const admin = express.Router();
// ruleid: js-helmet-csp-disabled
admin.use(helmet({ crossOriginEmbedderPolicy: false, contentSecurityPolicy: false }));

const docs = express.Router();
// ok: js-helmet-csp-disabled
docs.use(helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'", 'cdn.example'] } } }));

const api = express.Router();
// ok: js-helmet-csp-disabled
api.use(helmet({ crossOriginResourcePolicy: { policy: 'same-site' } }));

app.use('/admin', admin);
app.use('/docs', docs);
app.use('/api', api);

module.exports = app;
