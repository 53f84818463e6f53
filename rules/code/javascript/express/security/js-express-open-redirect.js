const express = require('express');

const app = express();
app.use(express.urlencoded({ extended: false }));

app.get('/login/callback', (req, res) => {
  // ruleid: js-express-open-redirect
  res.redirect(req.query.returnTo);
});

app.post('/logout', (req, res) => {
  // ruleid: js-express-open-redirect
  res.redirect(302, req.body.next || '/');
});

app.get('/go', (req, res) => {
  // ruleid: js-express-open-redirect
  res.location('/' + req.query.target).sendStatus(302);
});

app.get('/dashboard-link', (req, res) => {
  // ok: js-express-open-redirect
  res.redirect('/dashboard');
});

app.get('/orders/:id/view', (req, res) => {
  // ok: js-express-open-redirect
  res.redirect(`/orders/${encodeURIComponent(req.params.id)}`);
});

app.get('/continue', (req, res) => {
  let next = '/';
  if (req.query.next === 'settings') next = '/settings';
  // ok: js-express-open-redirect
  res.redirect(next);
});

module.exports = app;
