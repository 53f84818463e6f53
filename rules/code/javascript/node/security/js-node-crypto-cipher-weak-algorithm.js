const crypto = require('crypto');

function encryptForMainframe(payload, key, iv) {
  // ruleid: js-node-crypto-cipher-weak-algorithm
  const cipher = crypto.createCipheriv('des-ede3-cbc', key, iv);
  return Buffer.concat([cipher.update(payload), cipher.final()]);
}

function obfuscateStream(key) {
  // ruleid: js-node-crypto-cipher-weak-algorithm
  return crypto.createCipheriv('rc4', key, '');
}

function decryptOldExport(data, key, iv) {
  // ruleid: js-node-crypto-cipher-weak-algorithm
  const decipher = crypto.createDecipheriv('bf-cbc', key, iv);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

function encryptModern(payload, key) {
  const iv = crypto.randomBytes(12);
  // ok: js-node-crypto-cipher-weak-algorithm
  const cipher = crypto.createCipheriv('chacha20-poly1305', key, iv, { authTagLength: 16 });
  return { iv, body: Buffer.concat([cipher.update(payload), cipher.final()]), tag: cipher.getAuthTag() };
}

function encryptAes(payload, key) {
  const iv = crypto.randomBytes(12);
  // ok: js-node-crypto-cipher-weak-algorithm
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  return { iv, body: Buffer.concat([cipher.update(payload), cipher.final()]), tag: cipher.getAuthTag() };
}

function encryptForPartner(payload, iv) {
  // ruleid: js-node-crypto-cipher-weak-algorithm
  const cipher = crypto.createCipheriv('des-ede3-cbc', Buffer.from('Vb3Nq8Lr2Tw6Yz1Kp5Hd9Mx4', 'utf8'), iv);
  return Buffer.concat([cipher.update(payload), cipher.final()]);
}

module.exports = { encryptForPartner, encryptForMainframe, obfuscateStream, decryptOldExport, encryptModern, encryptAes };
