const express = require('express');
const escapeHtml = require('escape-html');

const app = express();
const FOOTER_TEXT = 'Example Shop';

function renderProfile(res, user) {
  // ruleid: js-express-html-string-built
  res.send('<div class="profile"><h2>' + user.displayName + '</h2><p>' + user.bio + '</p></div>');
}

app.get('/comments', async (req, res) => {
  const comments = await loadComments();
  // ruleid: js-express-html-string-built
  res.send(`<ul>${comments.map((c) => `<li>${c.text}</li>`).join('')}</ul>`);
});

function renderProfileSafely(res, user) {
  // ok: js-express-html-string-built
  res.send('<div class="profile"><h2>' + escapeHtml(user.displayName) + '</h2></div>');
}

app.get('/footer', (req, res) => {
  // ok: js-express-html-string-built
  res.send('<footer>' + FOOTER_TEXT + '</footer>');
});

app.get('/count', async (req, res) => {
  const total = await countComments();
  // ok: js-express-html-string-built
  res.send(`Total comments: ${total}`);
});

async function loadComments() {
  return [{ text: 'first' }];
}

async function countComments() {
  return 1;
}

module.exports = { app, renderProfile, renderProfileSafely };
