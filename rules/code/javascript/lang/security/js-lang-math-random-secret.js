const crypto = require('crypto');

const CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

// ruleid: js-lang-math-random-secret
const resetToken = Math.random().toString(36).slice(2);

function generateApiKey() {
  let out = '';
  for (let i = 0; i < 32; i++) {
    // ruleid: js-lang-math-random-secret
    out += CHARS[Math.floor(Math.random() * CHARS.length)];
  }
  return out;
}

function startLogin(user) {
  // ruleid: js-lang-math-random-secret
  user.sessionId = 'sid-' + Math.random().toString(16).slice(2) + Date.now();
  return user;
}

function retryDelay(attempt) {
  // ok: js-lang-math-random-secret
  const jitter = Math.random() * 100;
  return 2 ** attempt * 100 + jitter;
}

function pickAvatarColor() {
  // ok: js-lang-math-random-secret
  return `hsl(${Math.floor(Math.random() * 360)}, 70%, 50%)`;
}

// ok: js-lang-math-random-secret
const csrfToken = crypto.randomBytes(32).toString('base64url');

module.exports = { resetToken, generateApiKey, startLogin, retryDelay, pickAvatarColor, csrfToken };
