const express = require('express');
const _ = require('lodash');
const { z } = require('zod');

const app = express();
app.use(express.json());

const DEFAULTS = { theme: 'light', locale: 'en', notifications: { email: true } };
const Prefs = z.object({ theme: z.enum(['light', 'dark']), locale: z.string().max(10) }).partial();
const docs = new Map();

app.put('/prefs', (req, res) => {
  // ruleid: js-lodash-prototype-pollution-user-input
  const prefs = _.merge({}, DEFAULTS, req.body);
  res.json(prefs);
});

app.patch('/docs/:id', (req, res) => {
  const doc = docs.get(req.params.id) || {};
  // ruleid: js-lodash-prototype-pollution-user-input
  _.set(doc, req.body.path, req.body.value);
  res.json(doc);
});

app.put('/prefs-checked', (req, res) => {
  // ok: js-lodash-prototype-pollution-user-input
  const prefs = _.merge({}, DEFAULTS, Prefs.parse(req.body));
  res.json(prefs);
});

app.patch('/docs/:id/title', (req, res) => {
  const doc = docs.get(req.params.id) || {};
  // ok: js-lodash-prototype-pollution-user-input
  _.set(doc, ['meta', 'title'], String(req.body.title));
  res.json(doc);
});

module.exports = app;
