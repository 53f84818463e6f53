const uuid = require('uuid');
const { v1: uuidv1, v4: uuidv4 } = require('uuid');
const crypto = require('crypto');

async function createPasswordReset(db, userId) {
  // ruleid: js-uuid-v1-secret
  const resetToken = uuidv1();
  await db.resets.insert({ userId, resetToken, expiresAt: Date.now() + 3600e3 });
  return resetToken;
}

function openSession(req) {
  // ruleid: js-uuid-v1-secret
  req.session.sessionToken = uuid.v1();
}

function traceRequest(req) {
  // ok: js-uuid-v1-secret
  const requestId = uuidv1();
  req.log = req.log.child({ requestId });
}

function createInvite() {
  // ok: js-uuid-v1-secret
  const inviteToken = crypto.randomBytes(32).toString('base64url');
  return { inviteToken, id: uuidv4() };
}

module.exports = { createPasswordReset, openSession, traceRequest, createInvite };
