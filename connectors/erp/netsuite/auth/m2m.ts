import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { type FetchLike, NetworkError } from '../../../http';
import { ErpError } from '../errors';
import type { ErpAuth } from './types';

/**
 * `NETSUITE_AUTH=m2m`: OAuth 2.0 client credentials with a JWT assertion signed by the private key of
 * the certificate mapped to the integration (ns:section_162755359851, ns:section_162790605110).
 * The token (60 minutes) is cached for the process, refreshed before it expires by one exchange that
 * every concurrent caller waits on, and dropped once on a 401. Neither the token nor the assertion is
 * ever logged or put in an error.
 */

export type AssertionAlg = 'PS256' | 'ES256';

/** The assertion lives a short while: it is used once, now; NetSuite refuses exp ≥ iat + 60 min. */
export const ASSERTION_LIFETIME_S = 30 * 60;

/** PS256 for an RSA key, ES256 for an EC P-256 key; anything else is refused (naming no key material). */
export function assertionAlg(key: KeyObject): AssertionAlg {
  if (key.type !== 'private') throw new Error('not a private key');
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return 'PS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(
    `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}${key.asymmetricKeyDetails?.namedCurve ? ` (${key.asymmetricKeyDetails.namedCurve})` : ''}: use an RSA key (PS256) or an EC P-256 key (ES256)`,
  );
}

/** A PEM private key (PKCS#8, or PKCS#1 / SEC1), checked to be RSA or EC P-256. The error never quotes the PEM. */
export function parsePrivateKey(pem: string): { key: KeyObject; alg: AssertionAlg } {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error('not a readable PEM private key (expected -----BEGIN PRIVATE KEY-----, RSA or EC, unencrypted)');
  }
  return { key, alg: assertionAlg(key) };
}

export interface M2mOptions {
  /** The token endpoint: `https://<account>.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token`, or an override's. */
  tokenUrl: string;
  /** The integration record's client id (`iss`). */
  clientId: string;
  /** The certificate id from "OAuth 2.0 Client Credentials (M2M) Setup" (`kid`). */
  certificateId: string;
  privateKey: KeyObject;
  /** `rest_webservices` unless told otherwise. */
  scopes?: readonly string[];
  fetch?: FetchLike;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
  timeoutMs?: number;
}

/** The signed client assertion (header `kid`, `alg`, `typ`; claims `iss`, `scope`, `aud`, `iat`, `exp`). */
export async function buildAssertion(options: M2mOptions, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ scope: (options.scopes ?? ['rest_webservices']).join(',') })
    .setProtectedHeader({ alg: assertionAlg(options.privateKey), kid: options.certificateId, typ: 'JWT' })
    .setIssuer(options.clientId)
    .setAudience(options.tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_S)
    .sign(options.privateKey);
}

const tokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().int().positive().optional() });
/** NetSuite's token errors are RFC 6749 codes (`invalid_client`, `invalid_grant`, …): only such a code is repeated in an error. */
const tokenError = z.object({ error: z.string().regex(/^[a-z_]{1,64}$/) });

/** NetSuite's M2M tokens last 60 minutes when the response does not say. */
const DEFAULT_EXPIRES_IN_S = 3600;

/** Refresh 5 minutes early, or at 90 % of a short lifetime. */
export function refreshMarginMs(expiresInS: number): number {
  return Math.min(300, expiresInS * 0.1) * 1000;
}

interface CachedToken {
  header: string;
  refreshAt: number;
}

export class M2mAuth implements ErpAuth {
  readonly mode = 'm2m' as const;
  private token: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: M2mOptions) {
    this.now = options.now ?? Date.now;
    assertionAlg(options.privateKey);
  }

  async authorization(): Promise<string> {
    const current = this.token;
    if (current && this.now() < current.refreshAt) return current.header;
    return (await this.exchange()).header;
  }

  unauthorized(rejected: string): void {
    // Only the token that was refused: twenty requests refused with one token cost one exchange.
    if (this.token?.header === rejected) this.token = undefined;
  }

  /** One exchange at a time; concurrent callers share it. */
  private exchange(): Promise<CachedToken> {
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchToken(): Promise<CachedToken> {
    const startedAt = this.now();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await buildAssertion(this.options, startedAt),
    });
    let res: Response;
    let text: string;
    try {
      res = await (this.options.fetch ?? fetch)(this.options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        redirect: 'error',
      });
      text = await res.text();
    } catch (err) {
      // The cause may be the fetch's own error, which can quote the request: it is not kept.
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      const reason = timedOut ? 'timed out' : ((err as { cause?: { code?: string } }).cause?.code ?? 'network error');
      throw new ErpError('network', `NetSuite token exchange: ${reason}`, {}, { cause: new NetworkError(`POST ${this.options.tokenUrl}: ${reason}`, timedOut) });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.status < 200 || res.status > 299) {
      const code = tokenError.safeParse(body);
      const errorCode = code.success ? code.data.error : undefined;
      const kind = res.status === 429 ? 'concurrency_limit' : res.status >= 500 ? 'server' : 'auth';
      throw new ErpError(
        kind,
        `NetSuite token exchange answered ${res.status}${errorCode ? ` ${errorCode}` : ''} (check NETSUITE_CLIENT_ID, NETSUITE_CERTIFICATE_ID and the key's certificate mapping)`,
        { status: res.status, errorCode },
      );
    }
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) throw new ErpError('bad_response', `NetSuite token exchange answered ${res.status} without an access_token`, { status: res.status });
    const expiresInS = parsed.data.expires_in ?? DEFAULT_EXPIRES_IN_S;
    const token = { header: `Bearer ${parsed.data.access_token}`, refreshAt: startedAt + expiresInS * 1000 - refreshMarginMs(expiresInS) };
    this.token = token;
    return token;
  }
}
