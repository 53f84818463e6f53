const express = require('express');
const _ = require('lodash');

const app = express();
const products = [];

app.get('/search', (req, res) => {
  // ruleid: js-lang-regexp-from-request-input
  const re = new RegExp(req.query.q, 'i');
  res.json(products.filter((p) => re.test(p.name)));
});

app.get('/logs', (req, res) => {
  const filter = `^${req.query.pattern}`;
  const hits = [];
  for (const line of readLogLines()) {
    // ruleid: js-lang-regexp-from-request-input
    if (line.match(filter)) hits.push(line);
  }
  res.json(hits);
});

app.get('/search-literal', (req, res) => {
  // ok: js-lang-regexp-from-request-input
  const re = new RegExp(_.escapeRegExp(req.query.q), 'i');
  res.json(products.filter((p) => re.test(p.name)));
});

app.get('/search-escaped', (req, res) => {
  const term = String(req.query.q).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // ok: js-lang-regexp-from-request-input
  const re = new RegExp(term, 'i');
  res.json(products.filter((p) => re.test(p.name)));
});

app.get('/by-prefix', (req, res) => {
  // ok: js-lang-regexp-from-request-input
  const re = new RegExp('^SKU-[0-9]+$');
  res.json(products.filter((p) => re.test(p.sku) && p.sku.startsWith(req.query.prefix)));
});

function readLogLines() {
  return [];
}

module.exports = app;
