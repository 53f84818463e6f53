import Fastify from 'fastify';
import helmet from '@fastify/helmet';

const app = Fastify();

// ruleid: js-helmet-frameguard-disabled
await app.register(helmet, { frameguard: false });

const embed = Fastify();
// ruleid: js-helmet-frameguard-disabled
await embed.register(helmet, { xFrameOptions: false, global: true });

const site = Fastify();
// ok: js-helmet-frameguard-disabled
await site.register(helmet, { frameguard: { action: 'deny' } });

const api = Fastify();
// ok: js-helmet-frameguard-disabled
await api.register(helmet, { global: true });

export { app, embed, site, api };
