const https = require('https');
const tls = require('tls');
const fs = require('fs');
const axios = require('axios');
const { Pool } = require('pg');
const { MongoClient } = require('mongodb');

// ruleid: js-node-tls-reject-unauthorized-disabled
const insecureAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });

// ruleid: js-node-tls-reject-unauthorized-disabled
const partner = axios.create({ baseURL: 'https://partner.example', httpsAgent: new https.Agent({ rejectUnauthorized: false }) });

function connectToBroker(host) {
  // ruleid: js-node-tls-reject-unauthorized-disabled
  return tls.connect({ host, port: 8883, rejectUnauthorized: false });
}

// ruleid: js-node-tls-reject-unauthorized-disabled
const pool = new Pool({ connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } });

// ruleid: js-node-tls-reject-unauthorized-disabled
const mongo = new MongoClient(process.env.MONGO_URL, { tls: true, tlsAllowInvalidCertificates: true });

// ok: js-node-tls-reject-unauthorized-disabled
const pinnedAgent = new https.Agent({ ca: fs.readFileSync('/etc/ssl/internal-ca.pem') });

// ok: js-node-tls-reject-unauthorized-disabled
const strictAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: true });

// ok: js-node-tls-reject-unauthorized-disabled
const securePool = new Pool({ connectionString: process.env.DATABASE_URL, ssl: { ca: fs.readFileSync('/etc/ssl/rds-ca.pem', 'utf8') } });

module.exports = { insecureAgent, partner, connectToBroker, pool, mongo, pinnedAgent, strictAgent, securePool };
