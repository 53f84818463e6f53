import { SignJWT, jwtVerify, createRemoteJWKSet } from 'jose';

const secret = new TextEncoder().encode('dev-only-not-a-real-secret');
const envSecret = new TextEncoder().encode(process.env.JWT_SECRET);
const JWKS = createRemoteJWKSet(new URL('https://auth.example/.well-known/jwks.json'));

export async function issueSession(userId: string): Promise<string> {
  const claims = new SignJWT({ sub: userId }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('2h');
  // ruleid: js-jose-hardcoded-secret
  return claims.sign(secret);
}

export async function readPreview(token: string) {
  // ruleid: js-jose-hardcoded-secret
  const { payload } = await jwtVerify(token, new TextEncoder().encode('another-fake-secret'), { algorithms: ['HS256'] });
  return payload;
}

export async function readSession(token: string) {
  // ok: js-jose-hardcoded-secret
  const { payload } = await jwtVerify(token, envSecret, { algorithms: ['HS256'] });
  return payload;
}

export async function readIdToken(token: string) {
  // ok: js-jose-hardcoded-secret
  const { payload } = await jwtVerify(token, JWKS, { issuer: 'https://auth.example/', audience: 'web' });
  return payload;
}
