const express = require('express');

const app = express();
app.use(express.json());

const settings = { general: {}, notifications: {} };
const users = {};
const preferences = new Map();
const SECTIONS = ['general', 'notifications'];

app.post('/settings', (req, res) => {
  // ruleid: js-express-prototype-pollution-nested-key
  settings[req.body.section][req.body.key] = req.body.value;
  res.sendStatus(204);
});

app.put('/users/:id/nickname', (req, res) => {
  const id = req.params.id;
  // ruleid: js-express-prototype-pollution-nested-key
  users[id].nickname = String(req.body.nickname);
  res.sendStatus(204);
});

app.post('/settings-checked', (req, res) => {
  const section = SECTIONS.includes(req.body.section) ? req.body.section : 'general';
  // ok: js-express-prototype-pollution-nested-key
  settings[section].updatedAt = Date.now();
  res.sendStatus(204);
});

app.post('/preferences', (req, res) => {
  const forUser = preferences.get(req.body.userId) || new Map();
  // ok: js-express-prototype-pollution-nested-key
  forUser.set(req.body.key, req.body.value);
  preferences.set(req.body.userId, forUser);
  res.sendStatus(204);
});

module.exports = app;
