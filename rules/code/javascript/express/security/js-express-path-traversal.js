const express = require('express');
const fs = require('fs');
const fsp = require('fs/promises');
const path = require('path');

const app = express();
app.use(express.json());
const UPLOADS = path.join(__dirname, 'uploads');

app.get('/files/:name', (req, res) => {
  // ruleid: js-express-path-traversal
  fs.createReadStream(path.join(UPLOADS, req.params.name)).pipe(res);
});

app.get('/logs', async (req, res) => {
  // ruleid: js-express-path-traversal
  const text = await fsp.readFile(`/var/log/app/${req.query.file}`, 'utf8');
  res.type('text/plain').send(text);
});

app.delete('/avatars', (req, res) => {
  const target = path.resolve(UPLOADS, req.body.avatar);
  // ruleid: js-express-path-traversal
  fs.unlinkSync(target);
  res.sendStatus(204);
});

app.get('/safe/:name', (req, res) => {
  // ok: js-express-path-traversal
  fs.createReadStream(path.join(UPLOADS, path.basename(req.params.name))).pipe(res);
});

app.get('/reports', async (req, res) => {
  let file = 'daily.csv';
  if (req.query.period === 'weekly') file = 'weekly.csv';
  // ok: js-express-path-traversal
  const text = await fsp.readFile(path.join(__dirname, 'reports', file), 'utf8');
  res.type('text/csv').send(text);
});

module.exports = app;
