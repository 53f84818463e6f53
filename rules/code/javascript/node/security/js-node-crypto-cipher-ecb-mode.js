const crypto = require('crypto');

function sealCardNumber(pan, key) {
  // ruleid: js-node-crypto-cipher-ecb-mode
  const cipher = crypto.createCipheriv('aes-256-ecb', key, null);
  return Buffer.concat([cipher.update(pan, 'utf8'), cipher.final()]).toString('hex');
}

function openCardNumber(hex, key) {
  // ruleid: js-node-crypto-cipher-ecb-mode
  const decipher = crypto.createDecipheriv('AES-128-ECB', key, null);
  return Buffer.concat([decipher.update(hex, 'hex'), decipher.final()]).toString('utf8');
}

function sealCardNumberGcm(pan, key) {
  const iv = crypto.randomBytes(12);
  // ok: js-node-crypto-cipher-ecb-mode
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(pan, 'utf8'), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), body };
}

function sealLegacyCbc(data, key) {
  const iv = crypto.randomBytes(16);
  // ok: js-node-crypto-cipher-ecb-mode
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(data), cipher.final()]);
}

function sealLegacyPin(pin) {
  // ruleid: js-node-crypto-cipher-ecb-mode
  const cipher = crypto.createCipheriv('aes-128-ecb', 'Qm7Lp2Xw9RtY4uHc', null);
  return Buffer.concat([cipher.update(pin, 'utf8'), cipher.final()]).toString('hex');
}

module.exports = { sealLegacyPin, sealCardNumber, openCardNumber, sealCardNumberGcm, sealLegacyCbc };
