const crypto = require('crypto');

function signWebhook(body) {
  // ruleid: js-node-crypto-hardcoded-key
  return crypto.createHmac('sha256', 'whsec_FAKE_0000000000000000').update(body).digest('hex');
}

function decryptPayload(iv, data) {
  // ruleid: js-node-crypto-hardcoded-key
  const decipher = crypto.createDecipheriv('aes-256-cbc', Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex'), iv);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

function signWebhookFromEnv(body) {
  // ok: js-node-crypto-hardcoded-key
  return crypto.createHmac('sha256', process.env.WEBHOOK_SECRET).update(body).digest('hex');
}

function decryptWithManagedKey(dataKey, iv, data) {
  // ok: js-node-crypto-hardcoded-key
  const decipher = crypto.createDecipheriv('aes-256-cbc', Buffer.from(dataKey, 'base64'), iv);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

module.exports = { signWebhook, decryptPayload, signWebhookFromEnv, decryptWithManagedKey };
