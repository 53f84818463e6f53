const crypto = require('crypto');
const { promisify } = require('util');

const scrypt = promisify(crypto.scrypt);

async function registerUser(db, email, password) {
  const salt = crypto.randomBytes(16).toString('hex');
  // ruleid: js-node-crypto-password-fast-hash
  const digest = crypto.createHash('sha256').update(salt + password).digest('hex');
  await db.users.insert({ email, salt, digest });
}

function legacyCheck(user, candidatePassword) {
  const md5 = crypto.createHash('md5');
  // ruleid: js-node-crypto-password-fast-hash
  md5.update(candidatePassword, 'utf8');
  return md5.digest('hex') === user.passwordHash;
}

function seedAdmin(db) {
  // ruleid: js-node-crypto-password-fast-hash
  const digest = crypto.createHash('sha1').update('adminPassword-Rt8Kq2Wz').digest('hex');
  return db.users.insert({ email: 'admin@example.test', digest });
}

async function hashPassword(password) {
  const salt = crypto.randomBytes(16);
  // ok: js-node-crypto-password-fast-hash
  const key = await scrypt(password, salt, 64);
  return `${salt.toString('hex')}:${key.toString('hex')}`;
}

function fileChecksum(buffer) {
  // ok: js-node-crypto-password-fast-hash
  return crypto.createHash('sha256').update(buffer).digest('hex');
}

module.exports = { seedAdmin, registerUser, legacyCheck, hashPassword, fileChecksum };
