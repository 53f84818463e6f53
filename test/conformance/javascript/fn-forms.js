const express = require('express');
const app = express();
app.get('/a', function (req, res) {
  const name = req.query.name;
  // ruleid: fn-forms
  res.send('<b>' + name + '</b>');
});
app.get('/b', function handler(req, res, next) {
  const { id } = req.params;
  // ruleid: fn-forms
  res.write(`id ${id}`);
});
app.get('/c', (req, res) => {
  const safe = escapeHtml(req.query.x);
  // ok: fn-forms
  res.send(safe);
  // ok: fn-forms
  res.send('constant');
});
app.post('/d', async (req, res) => {
  const body = await parse(req.body);
  const obj = { v: body };
  // ruleid: fn-forms
  res.send(obj.v);
});
function other(req, res) {
  let x;
  x = req.query.q;
  if (x) {
    // ruleid: fn-forms
    res.send(x);
  }
}
