import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createErpClient } from '../../config/connections';
import { DEV_DEFAULTS, loadConfig } from '../../config/env';
import { ConfigError } from '../../config/errors';

/** The sandbox profile without its ERP URL and token: a real account's settings on top. */
const base = (): Record<string, string> => {
  const { ERP_API_URL: _url, ERP_ACCESS_TOKEN: _token, NETSUITE_AUTH: _auth, ...rest } = DEV_DEFAULTS;
  return rest;
};
const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
};
const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const m2m = { NETSUITE_ACCOUNT_ID: '1234567_SB1', NETSUITE_CLIENT_ID: 'cid', NETSUITE_CERTIFICATE_ID: 'kid', NETSUITE_PRIVATE_KEY_FILE: '/keys/netsuite.pem' };

describe('NetSuite settings', () => {
  it('the sandbox profile sends its fixed token (bearer) to the sandbox', () => {
    const erp = loadConfig(DEV_DEFAULTS).erp;
    expect(erp.authMode).toBe('bearer');
    expect(erp.apiUrl).toBe('http://127.0.0.1:4020');
  });

  it('m2m by default: the URL and the token URL come from the account id (host form)', () => {
    const erp = loadConfig({ ...base(), ...m2m }).erp;
    expect(erp.authMode).toBe('m2m');
    expect(erp.apiUrl).toBe('https://1234567-sb1.suitetalk.api.netsuite.com');
    expect(erp.account).toEqual({ host: '1234567-sb1', realm: '1234567_SB1' });
    expect(erp.scopes).toEqual(['rest_webservices']);
    expect(loadConfig({ ...base(), ...m2m, ERP_API_URL: 'http://127.0.0.1:4020' }).erp.apiUrl).toBe('http://127.0.0.1:4020');
    expect(loadConfig({ ...base(), ...m2m, NETSUITE_SCOPES: 'rest_webservices, restlets' }).erp.scopes).toEqual(['rest_webservices', 'restlets']);
  });

  it('names every missing variable of the mode in one error', () => {
    const none = messageOf(() => loadConfig(base()));
    for (const name of ['NETSUITE_ACCOUNT_ID', 'NETSUITE_CLIENT_ID', 'NETSUITE_CERTIFICATE_ID', 'NETSUITE_PRIVATE_KEY_FILE'])
      expect(none).toContain(`${name}: required when NETSUITE_AUTH=m2m`);
    const tba = messageOf(() => loadConfig({ ...base(), NETSUITE_AUTH: 'tba', NETSUITE_TOKEN_ID: 't' }));
    for (const name of ['NETSUITE_ACCOUNT_ID', 'NETSUITE_CONSUMER_KEY', 'NETSUITE_CONSUMER_SECRET', 'NETSUITE_TOKEN_SECRET'])
      expect(tba).toContain(`${name}: required when NETSUITE_AUTH=tba`);
    expect(tba).not.toContain('NETSUITE_TOKEN_ID:');
    expect(tba).not.toContain('NETSUITE_CLIENT_ID');
    const bearer = messageOf(() => loadConfig({ ...base(), NETSUITE_AUTH: 'bearer' }));
    expect(bearer).toContain('ERP_ACCESS_TOKEN: required when NETSUITE_AUTH=bearer');
    expect(bearer).toContain('ERP_API_URL: required when NETSUITE_ACCOUNT_ID is unset');
  });

  it('refuses an account id that is not digits with an optional sandbox suffix, and an unknown scope', () => {
    expect(messageOf(() => loadConfig({ ...base(), ...m2m, NETSUITE_ACCOUNT_ID: '1234567.sb1' }))).toMatch(/NETSUITE_ACCOUNT_ID must be digits/);
    expect(messageOf(() => loadConfig({ ...base(), ...m2m, NETSUITE_SCOPES: 'rest_webservices,soap' }))).toMatch(/NETSUITE_SCOPES/);
  });

  it('a configuration from before the modes (ERP_ACCESS_TOKEN only) stays bearer', () => {
    expect(loadConfig({ ...base(), ERP_API_URL: 'http://127.0.0.1:4020', ERP_ACCESS_TOKEN: 't' }).erp.authMode).toBe('bearer');
  });

  it('a bad key file stops the start naming NETSUITE_PRIVATE_KEY_FILE, never quoting the key', () => {
    const config = loadConfig({ ...base(), ...m2m, NETSUITE_CLIENT_ID: 'cid-bad-key' });
    const bad = '-----BEGIN PRIVATE KEY-----\nTOPSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n';
    const err = (() => {
      try {
        createErpClient(config, { readFile: () => bad });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/NETSUITE_PRIVATE_KEY_FILE: \/keys\/netsuite.pem: not a readable PEM private key/);
    expect((err as Error).message).not.toContain('TOPSECRET');
    const missing = messageOf(() =>
      createErpClient(loadConfig({ ...base(), ...m2m, NETSUITE_CLIENT_ID: 'cid-missing' }), {
        readFile: () => {
          throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        },
      }),
    );
    expect(missing).toContain('NETSUITE_PRIVATE_KEY_FILE: cannot read /keys/netsuite.pem (ENOENT)');
  });

  it('builds the auth once per process: two clients share it (and its token)', () => {
    const config = loadConfig({ ...base(), ...m2m, NETSUITE_CLIENT_ID: 'cid-shared' });
    let reads = 0;
    const readFile = () => {
      reads++;
      return pem;
    };
    createErpClient(config, { readFile });
    createErpClient(config, { readFile });
    expect(reads).toBe(1);
  });
});
