const express = require('express');
const mongoose = require('mongoose');

const User = mongoose.model('User', new mongoose.Schema({ email: String, token: String, plan: String }));
const PLANS = [{ id: 'free' }, { id: 'pro' }];
const app = express();
app.use(express.json());

app.post('/login', async (req, res) => {
  // ruleid: js-express-nosql-operator-injection
  const user = await User.findOne({ email: req.body.email, token: req.body.token });
  res.json({ ok: Boolean(user) });
});

app.get('/users', async (req, res) => {
  // ruleid: js-express-nosql-operator-injection
  const users = await User.find(req.query).limit(20);
  res.json(users);
});

app.delete('/sessions', async (req, res) => {
  const filter = { token: req.body.token };
  // ruleid: js-express-nosql-operator-injection
  await mongoose.connection.collection('sessions').deleteMany(filter);
  res.sendStatus(204);
});

app.post('/login/safe', async (req, res) => {
  // ok: js-express-nosql-operator-injection
  const user = await User.findOne({ email: String(req.body.email), token: String(req.body.token) });
  res.json({ ok: Boolean(user) });
});

app.get('/users/safe', async (req, res) => {
  // ok: js-express-nosql-operator-injection
  const users = await User.find(mongoose.sanitizeFilter(req.query)).limit(20);
  res.json(users);
});

app.get('/users/:id', async (req, res) => {
  // ok: js-express-nosql-operator-injection
  const user = await User.findById(req.params.id);
  res.json(user);
});

app.get('/plans', (req, res) => {
  // ok: js-express-nosql-operator-injection
  const plan = PLANS.find((p) => p.id === req.query.plan);
  res.json(plan ?? null);
});

module.exports = app;
