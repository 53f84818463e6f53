const express = require('express');
const cp = require('child_process');
const { execSync, spawn, execFile } = require('child_process');
const shell = require('shelljs');

const app = express();
app.use(express.json());

app.get('/ping', (req, res) => {
  // ruleid: js-express-command-injection
  cp.exec(`ping -c 1 ${req.query.host}`, (err, stdout) => res.type('text/plain').send(stdout));
});

app.post('/thumbnail', (req, res) => {
  const name = req.body.filename;
  // ruleid: js-express-command-injection
  execSync('convert uploads/' + name + ' -resize 64x64 thumbs/' + name);
  res.sendStatus(204);
});

app.get('/grep', (req, res) => {
  // ruleid: js-express-command-injection
  const child = spawn('grep', [req.query.pattern, 'app.log'], { shell: true });
  child.stdout.pipe(res);
});

app.get('/disk', (req, res) => {
  // ruleid: js-express-command-injection
  const out = shell.exec('du -sh ' + req.query.dir, { silent: true }).stdout;
  res.type('text/plain').send(out);
});

app.get('/ping/safe', (req, res) => {
  // ok: js-express-command-injection
  const child = spawn('ping', ['-c', '1', '--', req.query.host]);
  child.stdout.pipe(res);
});

app.get('/lookup', (req, res) => {
  // ok: js-express-command-injection
  execFile('nslookup', [req.query.host], (err, stdout) => res.type('text/plain').send(stdout));
});

app.get('/host-check', (req, res) => {
  // ok: js-express-command-injection
  const valid = /^[a-z0-9.-]+$/.exec(req.query.host);
  res.json({ valid: Boolean(valid) });
});

app.get('/version', (req, res) => {
  // ok: js-express-command-injection
  cp.exec('git rev-parse HEAD', (err, stdout) => res.type('text/plain').send(stdout.trim()));
});

module.exports = app;
