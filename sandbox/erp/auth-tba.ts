import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/**
 * Token-based authentication as NetSuite checks it (OAuth 1.0a, RFC 5849, HMAC-SHA256 only;
 * shared/connectors/FACTS.md section 2): every request carries
 * `Authorization: OAuth realm="<ACCOUNT_ID>", oauth_consumer_key=..., oauth_token=..., oauth_nonce=...,
 * oauth_timestamp=..., oauth_signature_method="HMAC-SHA256", oauth_version="1.0", oauth_signature=...`.
 * Written here, not taken from the product, so a signing mistake on the product's side cannot be
 * repeated identically on this side.
 */
export interface TbaCredentials {
  /** consumer key -> consumer secret (the integration record). */
  consumers: Record<string, string>;
  /** token id -> its secret and the consumer it was issued for (the access token). */
  tokens: Record<string, { secret: string; consumerKey: string }>;
}

/** Why a TBA request was refused (what NetSuite writes in its Login Audit Trail, in our words). */
export type TbaFailure =
  | 'missing_credentials'
  | 'malformed_header'
  | 'wrong_realm'
  | 'unsupported_signature_method'
  | 'unsupported_version'
  | 'unknown_consumer'
  | 'unknown_token'
  | 'timestamp_skew'
  | 'nonce_reused'
  | 'bad_signature';

/** RFC 5849 section 3.6: RFC 3986 unreserved characters stay, everything else is %XX (upper case). */
export function rfc5849Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The `OAuth ...` header's parameters, decoded; undefined when it is not one. */
export function parseOAuthHeader(header: string | undefined): Map<string, string> | undefined {
  if (!header || !/^OAuth\s/i.test(header)) return undefined;
  const params = new Map<string, string>();
  const body = header.replace(/^OAuth\s+/i, '');
  const re = /\s*([A-Za-z0-9_.~%-]+)\s*=\s*"([^"]*)"\s*(?:,|$)/y;
  let at = 0;
  while (at < body.length) {
    re.lastIndex = at;
    const m = re.exec(body);
    if (!m) return undefined;
    try {
      const name = decodeURIComponent(m[1]!);
      if (params.has(name)) return undefined; // a parameter given twice is ambiguous: refused
      params.set(name, decodeURIComponent(m[2]!));
    } catch {
      return undefined;
    }
    at = re.lastIndex;
  }
  return params;
}

/**
 * RFC 5849 section 3.4.1: METHOD&encode(base URI)&encode(sorted, encoded parameters). The parameters
 * are the query string's and the header's `oauth_*` ones (not `realm`, not `oauth_signature`).
 */
export function signatureBaseString(method: string, baseUri: string, query: URLSearchParams, oauthParams: Map<string, string>): string {
  const pairs: Array<[string, string]> = [];
  for (const [k, v] of query) pairs.push([rfc5849Encode(k), rfc5849Encode(v)]);
  for (const [k, v] of oauthParams) if (k !== 'realm' && k !== 'oauth_signature') pairs.push([rfc5849Encode(k), rfc5849Encode(v)]);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  return [method.toUpperCase(), rfc5849Encode(baseUri), rfc5849Encode(normalized)].join('&');
}

/** RFC 5849 section 3.4.1.2: scheme and host lower case, the port only when it is not the scheme's default. */
export function baseStringUri(protocol: string, host: string, path: string): string {
  const scheme = protocol.toLowerCase();
  let h = host.toLowerCase();
  if ((scheme === 'http' && h.endsWith(':80')) || (scheme === 'https' && h.endsWith(':443'))) h = h.slice(0, h.lastIndexOf(':'));
  return `${scheme}://${h}${path}`;
}

export class TbaVerifier {
  /** Nonces seen per consumer, with their timestamps (seconds), kept for the timestamp window. */
  private readonly nonces = new Map<string, Map<string, number>>();

  constructor(
    private readonly credentials: TbaCredentials,
    private readonly accountId: () => string,
    private readonly now: () => number,
    /** How far oauth_timestamp may be from the sandbox's clock, seconds (NetSuite: 5 minutes). */
    readonly maxSkewS = 300,
  ) {}

  /** Undefined when the request is authentic, else why not. */
  verify(req: Request): TbaFailure | undefined {
    const header = req.get('authorization');
    if (!header) return 'missing_credentials';
    const params = parseOAuthHeader(header);
    if (!params) return 'malformed_header';
    // NetSuite's form of the account id: `1234567_SB1`, never the host's `1234567-sb1`.
    if (params.get('realm') !== this.accountId()) return 'wrong_realm';
    if (params.get('oauth_signature_method') !== 'HMAC-SHA256') return 'unsupported_signature_method';
    if (params.has('oauth_version') && params.get('oauth_version') !== '1.0') return 'unsupported_version';
    for (const required of ['oauth_consumer_key', 'oauth_token', 'oauth_nonce', 'oauth_timestamp', 'oauth_signature']) if (!params.get(required)) return 'malformed_header';
    const consumerKey = params.get('oauth_consumer_key')!;
    const consumerSecret = this.credentials.consumers[consumerKey];
    if (consumerSecret === undefined) return 'unknown_consumer';
    const token = this.credentials.tokens[params.get('oauth_token')!];
    if (!token || token.consumerKey !== consumerKey) return 'unknown_token';
    const timestamp = params.get('oauth_timestamp')!;
    if (!/^\d{1,12}$/.test(timestamp)) return 'malformed_header';
    const nowS = Math.floor(this.now() / 1000);
    if (Math.abs(nowS - Number(timestamp)) > this.maxSkewS) return 'timestamp_skew';

    const rawUrl = req.originalUrl;
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
    const base = signatureBaseString(req.method, baseStringUri(req.protocol, req.get('host') ?? '', path), query, params);
    const key = `${rfc5849Encode(consumerSecret)}&${rfc5849Encode(token.secret)}`;
    const expected = createHmac('sha256', key).update(base).digest();
    const given = Buffer.from(params.get('oauth_signature')!, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature';

    // Only an authentic request uses up its nonce (a forged one cannot burn a client's nonces).
    const seen = this.nonces.get(consumerKey) ?? new Map<string, number>();
    this.nonces.set(consumerKey, seen);
    for (const [n, ts] of seen) if (Math.abs(nowS - ts) > this.maxSkewS) seen.delete(n);
    const nonce = params.get('oauth_nonce')!;
    if (seen.has(nonce)) return 'nonce_reused';
    seen.set(nonce, Number(timestamp));
    return undefined;
  }
}
