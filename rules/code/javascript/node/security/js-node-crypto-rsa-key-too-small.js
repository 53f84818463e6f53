const crypto = require('crypto');
const { generateKeyPair } = require('crypto');

function makeSigningKeys() {
  // ruleid: js-node-crypto-rsa-key-too-small
  return crypto.generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 0x10001 });
}

function makeLegacyKeys(cb) {
  // ruleid: js-node-crypto-rsa-key-too-small
  generateKeyPair('rsa-pss', { modulusLength: 512 }, cb);
}

async function makeBrowserKeys() {
  // ruleid: js-node-crypto-rsa-key-too-small
  return crypto.subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['encrypt', 'decrypt']);
}

function makeStrongKeys() {
  // ok: js-node-crypto-rsa-key-too-small
  return crypto.generateKeyPairSync('rsa', { modulusLength: 3072 });
}

function makeEdKeys() {
  // ok: js-node-crypto-rsa-key-too-small
  return crypto.generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'pem' } });
}

module.exports = { makeSigningKeys, makeLegacyKeys, makeBrowserKeys, makeStrongKeys, makeEdKeys };
