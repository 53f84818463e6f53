const express = require('express');

const app = express();
app.set('view engine', 'ejs');

app.get('/pages/:page', (req, res) => {
  // ruleid: js-express-render-view-injection
  res.render(req.params.page, { title: 'Docs' });
});

app.get('/home', (req, res) => {
  // ruleid: js-express-render-view-injection
  res.render(`themes/${req.query.theme}/home`);
});

app.get('/profile', (req, res) => {
  // ok: js-express-render-view-injection
  res.render('profile', { name: req.query.name });
});

app.get('/help', (req, res) => {
  let view = 'help/index';
  if (req.query.topic === 'billing') view = 'help/billing';
  // ok: js-express-render-view-injection
  res.render(view);
});

module.exports = app;
