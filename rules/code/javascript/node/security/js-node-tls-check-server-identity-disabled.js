const tls = require('tls');
const https = require('https');

const EXPECTED_FINGERPRINT = 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';

function connectToQueue(ca) {
  // ruleid: js-node-tls-check-server-identity-disabled
  return tls.connect(8443, 'mq.internal.example', { ca, checkServerIdentity: () => undefined });
}

// ruleid: js-node-tls-check-server-identity-disabled
const lenientAgent = new https.Agent({ keepAlive: true, checkServerIdentity: (host, cert) => {} });

// ok: js-node-tls-check-server-identity-disabled
const pinnedAgent = new https.Agent({
  checkServerIdentity: (host, cert) => {
    const err = tls.checkServerIdentity(host, cert);
    if (err) return err;
    if (cert.fingerprint256 !== EXPECTED_FINGERPRINT) return new Error('certificate fingerprint mismatch');
  },
});

// ok: js-node-tls-check-server-identity-disabled
const defaultAgent = new https.Agent({ keepAlive: true, maxSockets: 50 });

module.exports = { connectToQueue, lenientAgent, pinnedAgent, defaultAgent };
