// ruleid: tls
const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
// ruleid: tls
https.request({ host: h, rejectUnauthorized: false }, cb);
// ruleid: tls
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
// ok: tls
new https.Agent({ rejectUnauthorized: true });
