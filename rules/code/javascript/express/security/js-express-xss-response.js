const express = require('express');
const escapeHtml = require('escape-html');

const app = express();
app.use(express.urlencoded({ extended: false }));

app.get('/hello', (req, res) => {
  // ruleid: js-express-xss-response
  res.send('<h1>Hello ' + req.query.name + '</h1>');
});

app.post('/echo', (req, res) => {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  // ruleid: js-express-xss-response
  res.write(req.body.message);
  res.end();
});

app.use((req, res) => {
  // ruleid: js-express-xss-response
  res.status(404).send(`No page at ${req.originalUrl}`);
});

app.get('/hello/safe', (req, res) => {
  // ok: js-express-xss-response
  res.send('<h1>Hello ' + escapeHtml(req.query.name) + '</h1>');
});

app.get('/hello/json', (req, res) => {
  // ok: js-express-xss-response
  res.send({ hello: req.query.name });
});

app.get('/hello/text', (req, res) => {
  // ok: js-express-xss-response
  res.type('text/plain').send(`Hello ${req.query.name}`);
});

module.exports = app;
