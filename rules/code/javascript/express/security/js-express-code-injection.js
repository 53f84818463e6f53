const express = require('express');
const vm = require('vm');

const app = express();
app.use(express.json());

function notify(user) {
  console.log('notify', user);
}

app.get('/calc', (req, res) => {
  // ruleid: js-express-code-injection
  const result = eval(req.query.expr);
  res.json({ result });
});

app.post('/rules', (req, res) => {
  // ruleid: js-express-code-injection
  const predicate = new Function('order', 'return ' + req.body.condition);
  res.json({ matches: predicate({ total: 10 }) });
});

app.post('/formula', (req, res) => {
  // ruleid: js-express-code-injection
  const out = vm.runInNewContext(req.body.formula, { Math });
  res.json({ out });
});

app.get('/remind', (req, res) => {
  // ruleid: js-express-code-injection
  setTimeout('notify("' + req.query.user + '")', 1000);
  res.end();
});

app.post('/parse', (req, res) => {
  // ok: js-express-code-injection
  const data = JSON.parse(req.body.payload);
  res.json(data);
});

app.get('/remind/safe', (req, res) => {
  const user = req.query.user;
  // ok: js-express-code-injection
  setTimeout(() => notify(user), 1000);
  res.end();
});

app.post('/formula/safe', (req, res) => {
  // ok: js-express-code-injection
  const out = vm.runInNewContext('price * qty', { price: Number(req.body.price), qty: Number(req.body.qty) });
  res.json({ out });
});

app.get('/greet', (req, res) => {
  // ok: js-express-code-injection
  const greet = new Function('name', 'return "Hello, " + name');
  res.json({ text: greet(req.query.name) });
});

module.exports = app;
