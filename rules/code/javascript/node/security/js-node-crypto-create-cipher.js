const crypto = require('crypto');
const { createDecipher } = require('crypto');

function encryptNote(text, password) {
  // ruleid: js-node-crypto-create-cipher
  const cipher = crypto.createCipher('aes-256-cbc', password);
  return Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}

function decryptNote(data, password) {
  // ruleid: js-node-crypto-create-cipher
  const decipher = createDecipher('aes-256-cbc', password);
  return Buffer.concat([decipher.update(data, 'base64'), decipher.final()]).toString('utf8');
}

function encryptNoteSafely(text, key) {
  const iv = crypto.randomBytes(12);
  // ok: js-node-crypto-create-cipher
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function decryptNoteSafely(data, key) {
  const raw = Buffer.from(data, 'base64');
  // ok: js-node-crypto-create-cipher
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

function encryptBackup(text) {
  // ruleid: js-node-crypto-create-cipher
  const cipher = crypto.createCipher('aes-256-cbc', 'Pw7Rn2Kx9Lm4Qz8T');
  return Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}

module.exports = { encryptBackup, encryptNote, decryptNote, encryptNoteSafely, decryptNoteSafely };
