const express = require('express');

const app = express();
app.set('view engine', 'ejs');
app.use(express.urlencoded({ extended: true }));

app.get('/search', (req, res) => {
  // ruleid: js-express-render-request-locals
  res.render('search', req.query);
});

app.post('/preview', (req, res) => {
  // ruleid: js-express-render-request-locals
  res.render('preview', req.body, (err, html) => res.send(err ? 'error' : html));
});

app.get('/search/safe', (req, res) => {
  // ok: js-express-render-request-locals
  res.render('search', { q: String(req.query.q ?? '') });
});

app.get('/results', (req, res) => {
  // ok: js-express-render-request-locals
  res.render('results', { page: Number(req.query.page) || 1, sort: req.query.sort === 'new' ? 'new' : 'top' });
});

module.exports = app;
