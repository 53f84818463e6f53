const express = require('express');
const ejs = require('ejs');
const pug = require('pug');
const Handlebars = require('handlebars');
const nunjucks = require('nunjucks');

const app = express();
app.use(express.json());
const env = new nunjucks.Environment();

app.post('/preview', (req, res) => {
  // ruleid: js-express-template-injection
  const html = ejs.render(req.body.template, { title: 'Preview' });
  res.send(html);
});

app.get('/greeting', (req, res) => {
  // ruleid: js-express-template-injection
  const fn = pug.compile('p Hello ' + req.query.name);
  res.send(fn());
});

app.post('/email/preview', (req, res) => {
  // ruleid: js-express-template-injection
  const template = Handlebars.compile(req.body.body);
  res.send(template({ name: 'Ada' }));
});

app.get('/banner', (req, res) => {
  // ruleid: js-express-template-injection
  res.send(env.renderString(`<h1>${req.query.title}</h1>`, {}));
});

app.get('/greeting/safe', (req, res) => {
  // ok: js-express-template-injection
  const html = ejs.render('<p>Hello <%= name %></p>', { name: req.query.name });
  res.send(html);
});

app.get('/banner/safe', (req, res) => {
  // ok: js-express-template-injection
  res.send(env.renderString('<h1>{{ title }}</h1>', { title: req.query.title }));
});

module.exports = app;
