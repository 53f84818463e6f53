import express from 'express';
import helmet from 'helmet';

export const app = express();

// ruleid: js-helmet-nosniff-disabled
app.use(helmet({ noSniff: false }));

export const uploads = express();
// ruleid: js-helmet-nosniff-disabled
uploads.use(helmet({ xContentTypeOptions: false, contentSecurityPolicy: { useDefaults: true } }));

export const site = express();
// ok: js-helmet-nosniff-disabled
site.use(helmet({ xContentTypeOptions: true }));

export const api = express();
// ok: js-helmet-nosniff-disabled
api.use(helmet({ crossOriginEmbedderPolicy: false }));
