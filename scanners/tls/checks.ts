/**
 * The tls scanner's checks as data: one record per rule id, with its title, default severity,
 * CWE and remediation, so the findings code only says which rule fired and why.
 */
import type { Severity } from '../../src/model/severity.js';

export interface TlsCheck {
  title: string;
  severity: Severity;
  cwe: string[];
  remediation: string;
  references?: string[];
}

const MOZILLA = 'https://wiki.mozilla.org/Security/Server_Side_TLS';
const SSLLABS = 'https://github.com/ssllabs/research/wiki/SSL-Server-Rating-Guide';

export const TLS_CHECKS = {
  'tls-cert-untrusted': { title: 'Certificate chain is not trusted', severity: 'high', cwe: ['CWE-295'], remediation: 'Serve a certificate issued by a CA your clients trust, with its intermediates; for a private CA, give vigil the CA with --ca (or NODE_EXTRA_CA_CERTS).' },
  'tls-cert-self-signed': { title: 'Certificate is self-signed', severity: 'high', cwe: ['CWE-295'], remediation: 'Use a certificate from a trusted CA (or a private CA your clients trust) instead of a self-signed one.' },
  'tls-cert-chain-unverifiable': { title: 'Chain cannot be completed without fetching the issuer (AIA)', severity: 'medium', cwe: ['CWE-295'], remediation: 'Serve the full chain (the leaf followed by its intermediates, e.g. fullchain.pem): clients that do not fetch the issuer from the AIA URL reject the certificate. To have vigil judge trust meanwhile, give it the issuing intermediate with --intermediates (or the target\'s intermediates option); vigil never fetches the AIA URL, as no scan leaves its target.', references: ['https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1'] },
  'tls-cert-incomplete-chain': { title: 'Server does not send the intermediate certificates', severity: 'medium', cwe: ['CWE-295'], remediation: 'Configure the server with the full chain (leaf followed by its intermediates, e.g. fullchain.pem), not the leaf alone.' },
  'tls-cert-hostname-mismatch': { title: 'Certificate does not name the host', severity: 'high', cwe: ['CWE-297'], remediation: 'Issue a certificate whose subjectAltName lists this host name (or a matching wildcard).' },
  'tls-cert-expired': { title: 'Certificate has expired', severity: 'critical', cwe: ['CWE-298'], remediation: 'Renew the certificate now and automate renewal (ACME) so it cannot lapse again.' },
  'tls-cert-not-yet-valid': { title: 'Certificate is not yet valid', severity: 'high', cwe: ['CWE-298'], remediation: 'Check the server clock and the certificate\'s notBefore date; serve a certificate valid now.' },
  'tls-cert-expiring': { title: 'Certificate expires soon', severity: 'medium', cwe: ['CWE-298'], remediation: 'Renew the certificate before it expires, and automate renewal.' },
  'tls-cert-weak-key': { title: 'Certificate key is too weak', severity: 'high', cwe: ['CWE-326'], remediation: 'Reissue the certificate with an RSA key of at least 2048 bits or an EC key on P-256 or stronger.' },
  'tls-cert-weak-signature': { title: 'Certificate is signed with a broken hash', severity: 'high', cwe: ['CWE-328'], remediation: 'Reissue the certificate (and any intermediate) signed with SHA-256 or stronger; SHA-1 and MD5 signatures are forgeable and browsers reject them.' },
  'tls-cert-validity-too-long': { title: 'Certificate is valid for longer than 398 days', severity: 'low', cwe: ['CWE-298'], remediation: 'Issue certificates valid for at most 398 days (browsers reject longer public certificates); shorter, automated lifetimes limit the damage of a leaked key.' },
  'tls-cert-no-revocation': { title: 'Certificate has no OCSP or CRL location', severity: 'low', cwe: ['CWE-299'], remediation: 'Issue the certificate with an Authority Information Access (OCSP) or CRL Distribution Points extension so clients can check revocation.' },
  'tls-protocol-tls1.0': { title: 'TLS 1.0 is accepted', severity: 'medium', cwe: ['CWE-327'], remediation: 'Disable TLS 1.0 (RFC 8996 deprecates it); accept TLS 1.2 and 1.3 only.', references: ['https://www.rfc-editor.org/rfc/rfc8996'] },
  'tls-protocol-tls1.1': { title: 'TLS 1.1 is accepted', severity: 'medium', cwe: ['CWE-327'], remediation: 'Disable TLS 1.1 (RFC 8996 deprecates it); accept TLS 1.2 and 1.3 only.', references: ['https://www.rfc-editor.org/rfc/rfc8996'] },
  'tls-protocol-no-tls1.2': { title: 'TLS 1.2 is not accepted', severity: 'high', cwe: ['CWE-327'], remediation: 'Enable TLS 1.2: many clients cannot speak TLS 1.3 yet.' },
  'tls-protocol-no-tls1.3': { title: 'TLS 1.3 is not accepted', severity: 'low', cwe: ['CWE-327'], remediation: 'Enable TLS 1.3: faster handshakes, and only forward-secret AEAD suites.' },
  'tls-cipher-null': { title: 'A NULL cipher suite (no encryption) is accepted', severity: 'critical', cwe: ['CWE-319'], remediation: 'Remove NULL suites from the server\'s cipher list.' },
  'tls-cipher-anonymous': { title: 'An anonymous cipher suite (no authentication) is accepted', severity: 'critical', cwe: ['CWE-306'], remediation: 'Remove anonymous (ADH/AECDH) suites: anyone in the middle can impersonate the server.' },
  'tls-cipher-export': { title: 'An export-grade cipher suite is accepted', severity: 'critical', cwe: ['CWE-326'], remediation: 'Remove export suites (FREAK, Logjam).' },
  'tls-cipher-rc4': { title: 'An RC4 cipher suite is accepted', severity: 'high', cwe: ['CWE-327'], remediation: 'Remove RC4 suites (RFC 7465 forbids them).' },
  'tls-cipher-3des': { title: 'A 3DES cipher suite is accepted (SWEET32)', severity: 'medium', cwe: ['CWE-327'], remediation: 'Remove 3DES suites: their 64-bit blocks are open to SWEET32 birthday attacks.' },
  'tls-cipher-cbc-only': { title: 'Only CBC cipher suites on a protocol version', severity: 'medium', cwe: ['CWE-327'], remediation: 'Offer AEAD suites (AES-GCM, ChaCha20-Poly1305) on TLS 1.2 and put them first; CBC suites are open to padding-oracle attacks.' },
  'tls-cipher-no-forward-secrecy': { title: 'Cipher suites without forward secrecy are accepted', severity: 'medium', cwe: ['CWE-327'], remediation: 'Remove static-RSA key exchange suites; keep ECDHE (and DHE with 2048-bit groups).' },
  'tls-cipher-no-aead': { title: 'No AEAD cipher suite is accepted', severity: 'medium', cwe: ['CWE-327'], remediation: 'Enable AES-GCM or ChaCha20-Poly1305 suites (TLS 1.2) or TLS 1.3.' },
  'tls-cipher-client-order': { title: 'Server follows the client\'s cipher order', severity: 'low', cwe: ['CWE-757'], remediation: 'Make the server choose by its own order (e.g. nginx ssl_prefer_server_ciphers on) so the strongest suite wins.' },
  'tls-dh-weak': { title: 'Weak Diffie-Hellman group', severity: 'medium', cwe: ['CWE-326'], remediation: 'Use DH groups of at least 2048 bits (RFC 7919 ffdhe2048) or prefer ECDHE (Logjam).' },
  'tls-ecdh-weak-curve': { title: 'Weak elliptic curve for key exchange', severity: 'medium', cwe: ['CWE-326'], remediation: 'Use X25519, P-256 or P-384 for ECDHE.' },
  'tls-hsts-missing': { title: 'HSTS is not set', severity: 'medium', cwe: ['CWE-319'], remediation: 'Send Strict-Transport-Security: max-age=63072000; includeSubDomains on every HTTPS response.', references: ['https://www.rfc-editor.org/rfc/rfc6797'] },
  'tls-hsts-short-max-age': { title: 'HSTS max-age is below 6 months', severity: 'low', cwe: ['CWE-319'], remediation: 'Raise the HSTS max-age to at least 15552000 (6 months); 63072000 (2 years) is recommended.' },
  'tls-hsts-no-subdomains': { title: 'HSTS does not cover subdomains', severity: 'low', cwe: ['CWE-319'], remediation: 'Add includeSubDomains to the Strict-Transport-Security header once every subdomain serves HTTPS.' },
  'tls-grade': { title: 'TLS grade below A', severity: 'medium', cwe: ['CWE-326'], remediation: 'Fix the findings named in the evidence; each line says what caps the grade.', references: [SSLLABS] },
  'tls-mozilla-profile': { title: 'Configuration breaks the Mozilla TLS profile', severity: 'medium', cwe: ['CWE-327'], remediation: 'Follow Mozilla\'s recommended configuration for the profile (ssl-config.mozilla.org generates it for common servers).', references: [MOZILLA] },
} as const satisfies Record<string, TlsCheck>;

export type TlsRuleId = keyof typeof TLS_CHECKS;
