const crypto = require('crypto');

function hashPassword(password, salt) {
  // ruleid: js-node-crypto-pbkdf2-low-iterations
  return crypto.pbkdf2Sync(password, salt, 1000, 64, 'sha512').toString('hex');
}

function deriveKey(passphrase, salt, cb) {
  // ruleid: js-node-crypto-pbkdf2-low-iterations
  crypto.pbkdf2(passphrase, salt, 10000, 32, 'sha256', cb);
}

async function deriveBrowserKey(baseKey, salt) {
  // ruleid: js-node-crypto-pbkdf2-low-iterations
  return crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 5000 }, baseKey, 256);
}

function deriveExportKey(salt) {
  // ruleid: js-node-crypto-pbkdf2-low-iterations
  return crypto.pbkdf2Sync('Sd4Fg7Hj2Kl9Zx6C', salt, 1000, 32, 'sha256');
}

function hashPasswordStrong(password, salt) {
  // ok: js-node-crypto-pbkdf2-low-iterations
  return crypto.pbkdf2Sync(password, salt, 600000, 64, 'sha256').toString('hex');
}

async function deriveBrowserKeyStrong(baseKey, salt) {
  // ok: js-node-crypto-pbkdf2-low-iterations
  return crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 600000 }, baseKey, 256);
}

module.exports = { deriveExportKey, hashPassword, deriveKey, deriveBrowserKey, hashPasswordStrong, deriveBrowserKeyStrong };
