import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_M2M_CERTIFICATE_ID, DEFAULT_M2M_CLIENT_ID } from './auth';
import type { M2mCertificate } from './auth-m2m';

export interface GeneratedM2mCredentials {
  /** The mapping to register in the ERP sandbox (public half only). */
  certificate: M2mCertificate;
  /** Where the private key (PKCS#8 PEM, mode 0600) was written. */
  privateKeyFile: string;
}

/**
 * A fresh key pair for the ERP sandbox's M2M mode, as a NetSuite admin would make one for the
 * integration (EC P-256 signs ES256, RSA 3072 signs PS256): the private key goes to
 * `<dir>/erp-m2m-private-key.pem` readable by its owner only, the public key is what the sandbox maps.
 */
export function generateM2mCredentials(dir: string, opts: { type?: 'ec' | 'rsa'; clientId?: string; certificateId?: string } = {}): GeneratedM2mCredentials {
  const { privateKey, publicKey } =
    (opts.type ?? 'ec') === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
      : generateKeyPairSync('rsa', { modulusLength: 3072, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  mkdirSync(dir, { recursive: true });
  const privateKeyFile = path.join(dir, 'erp-m2m-private-key.pem');
  writeFileSync(privateKeyFile, privateKey, { mode: 0o600 });
  chmodSync(privateKeyFile, 0o600); // an older file keeps its mode through writeFileSync
  return {
    certificate: { clientId: opts.clientId ?? DEFAULT_M2M_CLIENT_ID, certificateId: opts.certificateId ?? DEFAULT_M2M_CERTIFICATE_ID, publicKey },
    privateKeyFile,
  };
}
