const express = require('express');
const cookieParser = require('cookie-parser');
const serialize = require('node-serialize');

const app = express();
app.use(cookieParser());

app.get('/', (req, res) => {
  if (!req.cookies.profile) return res.json({ name: 'guest' });
  const raw = Buffer.from(req.cookies.profile, 'base64').toString();
  // ruleid: js-node-serialize-unserialize
  const profile = serialize.unserialize(raw);
  res.json({ name: profile.username });
});

function restoreJob(message) {
  // ruleid: js-node-serialize-unserialize
  return require('node-serialize').unserialize(message.body.toString('utf8'));
}

app.get('/v2', (req, res) => {
  // ok: js-node-serialize-unserialize
  const profile = JSON.parse(Buffer.from(req.cookies.profile ?? 'e30=', 'base64').toString());
  res.json({ name: profile.username });
});

app.post('/login', (req, res) => {
  // ok: js-node-serialize-unserialize
  res.cookie('profile', Buffer.from(serialize.serialize({ username: 'ada' })).toString('base64'));
  res.sendStatus(204);
});

module.exports = { app, restoreJob };
