const express = require('express');
const path = require('path');

const app = express();
const EXPORT_DIR = path.join(__dirname, 'exports');

app.get('/invoices/:file', (req, res) => {
  // ruleid: js-express-sendfile-path-traversal
  res.sendFile(path.join(__dirname, 'invoices', req.params.file));
});

app.get('/export', (req, res) => {
  // ruleid: js-express-sendfile-path-traversal
  res.download(`${EXPORT_DIR}/${req.query.name}`, 'export.csv');
});

app.get('/assets/:file', (req, res) => {
  // ok: js-express-sendfile-path-traversal
  res.sendFile(req.params.file, { root: path.join(__dirname, 'public') });
});

app.get('/invoices/safe/:file', (req, res) => {
  // ok: js-express-sendfile-path-traversal
  res.sendFile(path.join(__dirname, 'invoices', path.basename(req.params.file)));
});

app.get('/manual', (req, res) => {
  // ok: js-express-sendfile-path-traversal
  res.download(path.join(__dirname, 'docs', 'manual.pdf'), `manual-${req.query.lang}.pdf`);
});

module.exports = app;
