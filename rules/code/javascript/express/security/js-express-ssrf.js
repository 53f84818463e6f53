const express = require('express');
const axios = require('axios');
const got = require('got');
const https = require('https');

const app = express();
app.use(express.json());

app.get('/proxy', async (req, res) => {
  // ruleid: js-express-ssrf
  const upstream = await fetch(req.query.url);
  res.status(upstream.status).type('text/plain').send(await upstream.text());
});

app.post('/webhooks/test', async (req, res) => {
  // ruleid: js-express-ssrf
  await axios.post(req.body.callbackUrl, { ping: true });
  res.sendStatus(204);
});

app.get('/avatar', (req, res) => {
  // ruleid: js-express-ssrf
  https.get(`https://${req.query.host}/avatar.png`, (upstream) => upstream.pipe(res));
});

app.get('/preview', async (req, res) => {
  // ruleid: js-express-ssrf
  const page = await got(req.query.link).text();
  res.json({ length: page.length });
});

app.get('/github/:user', async (req, res) => {
  // ok: js-express-ssrf
  const r = await fetch(`https://api.github.com/users/${encodeURIComponent(req.params.user)}`);
  res.json(await r.json());
});

app.get('/items/:id', async (req, res) => {
  // ok: js-express-ssrf
  const r = await axios.get('https://inventory.example.com/items/' + encodeURIComponent(req.params.id));
  res.json(r.data);
});

app.get('/status', async (req, res) => {
  let base = 'https://eu.status.example.com';
  if (req.query.region === 'us') base = 'https://us.status.example.com';
  // ok: js-express-ssrf
  const r = await fetch(base + '/health');
  res.json(await r.json());
});

module.exports = app;
