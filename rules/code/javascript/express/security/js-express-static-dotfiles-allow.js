const path = require('path');
const express = require('express');
const serveStatic = require('serve-static');

const app = express();

// ruleid: js-express-static-dotfiles-allow
app.use(express.static(path.join(__dirname, '..'), { dotfiles: 'allow', maxAge: '1d' }));

// ruleid: js-express-static-dotfiles-allow
app.use('/files', serveStatic('/srv/uploads', { dotfiles: 'allow' }));

// ok: js-express-static-dotfiles-allow
app.use(express.static(path.join(__dirname, 'public'), { maxAge: '1d' }));

// ok: js-express-static-dotfiles-allow
app.use('/.well-known', express.static(path.join(__dirname, 'well-known'), { dotfiles: 'deny' }));

module.exports = app;
