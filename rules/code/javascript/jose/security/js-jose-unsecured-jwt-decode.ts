import * as jose from 'jose';
import { UnsecuredJWT, jwtVerify, decodeProtectedHeader, createRemoteJWKSet } from 'jose';

const JWKS = createRemoteJWKSet(new URL('https://auth.example/.well-known/jwks.json'));

export function claimsFromHeader(authorization: string) {
  const token = authorization.replace(/^Bearer /, '');
  // ruleid: js-jose-unsecured-jwt-decode
  const { payload } = UnsecuredJWT.decode(token, { issuer: 'https://auth.example/' });
  return payload;
}

export function tenantOf(token: string) {
  // ruleid: js-jose-unsecured-jwt-decode
  return jose.UnsecuredJWT.decode(token).payload.tenant;
}

export async function verifiedClaims(token: string) {
  // ok: js-jose-unsecured-jwt-decode
  const { payload } = await jwtVerify(token, JWKS, { issuer: 'https://auth.example/', audience: 'api' });
  return payload;
}

export function keyIdOf(token: string) {
  // ok: js-jose-unsecured-jwt-decode
  return decodeProtectedHeader(token).kid;
}
