import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';

/**
 * OAuth 2.0 client credentials (M2M) as NetSuite runs it (FACTS.md section 2;
 * ns:section_162755359851, ns:section_162790605110): the client posts a JWT signed with the private
 * key of a certificate mapped to its integration record; NetSuite checks it against the mapped
 * public certificate (header `kid` = certificate id) and answers a 60-minute access token.
 */

/** A certificate mapped under "OAuth 2.0 Client Credentials (M2M) Setup". */
export interface M2mCertificate {
  /** The integration record's client id: the JWT's `iss`. */
  clientId: string;
  /** The certificate id NetSuite generated for the mapping: the JWT's `kid`. */
  certificateId: string;
  /** PEM: an X.509 certificate (what NetSuite takes) or a bare SPKI public key. RSA or EC. */
  publicKey: string;
}

/** Why a token request was refused (NetSuite writes it in the Login Audit Trail, not in the answer). */
export type M2mTokenFailure =
  | 'unsupported_grant_type'
  | 'invalid_request'
  | 'unknown_kid'
  | 'unsupported_alg'
  | 'bad_signature'
  | 'wrong_aud'
  | 'expired_assertion'
  | 'exp_too_far'
  | 'iat_in_future'
  | 'missing_claim'
  | 'unknown_iss'
  | 'missing_scope';

/** Why a bearer token was refused on a record or SuiteQL request. */
export type BearerFailure = 'missing_credentials' | 'unknown_token' | 'expired_token';

/** The OAuth error NetSuite answers for each failure: `{"error": "<code>"}` and the status. */
const OAUTH_ERROR: Record<M2mTokenFailure, { status: number; error: string }> = {
  unsupported_grant_type: { status: 400, error: 'unsupported_grant_type' },
  invalid_request: { status: 400, error: 'invalid_request' },
  unknown_kid: { status: 400, error: 'invalid_grant' },
  unsupported_alg: { status: 400, error: 'invalid_grant' },
  bad_signature: { status: 400, error: 'invalid_grant' },
  wrong_aud: { status: 400, error: 'invalid_grant' },
  expired_assertion: { status: 400, error: 'invalid_grant' },
  exp_too_far: { status: 400, error: 'invalid_grant' },
  iat_in_future: { status: 400, error: 'invalid_grant' },
  missing_claim: { status: 400, error: 'invalid_grant' },
  unknown_iss: { status: 401, error: 'invalid_client' },
  missing_scope: { status: 400, error: 'invalid_scope' },
};

export function oauthErrorFor(failure: M2mTokenFailure): { status: number; body: { error: string } } {
  const e = OAUTH_ERROR[failure];
  return { status: e.status, body: { error: e.error } };
}

/** The algorithms NetSuite accepts, by key type (RS256 is not among them). */
const ALGORITHMS: Record<string, readonly string[]> = { rsa: ['PS256', 'PS384', 'PS512'], 'rsa-pss': ['PS256', 'PS384', 'PS512'], ec: ['ES256', 'ES384', 'ES512'] };

export const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';

export type TokenResult = { ok: true; accessToken: string; expiresInS: number } | { ok: false; failure: M2mTokenFailure };

interface Mapping {
  clientId: string;
  key: KeyObject;
}

export class M2mIssuer {
  private readonly certificates = new Map<string, Mapping>();
  private readonly tokens = new Map<string, { clientId: string; expiresAtMs: number }>();
  /** How long an issued token lives, seconds (NetSuite: 3600). Lower it to expire tokens mid-run. */
  tokenTtlS: number;

  constructor(
    certificates: readonly M2mCertificate[],
    private readonly accountId: () => string,
    private readonly now: () => number,
    tokenTtlS = 3600,
  ) {
    for (const c of certificates) this.register(c);
    this.tokenTtlS = tokenTtlS;
  }

  /** Maps a certificate (replacing one with the same id). Throws on a key that is neither RSA nor EC. */
  register(c: M2mCertificate): void {
    const key = createPublicKey(c.publicKey);
    if (!ALGORITHMS[key.asymmetricKeyType ?? '']) throw new Error(`certificate ${c.certificateId}: a ${key.asymmetricKeyType} key; NetSuite takes RSA or EC`);
    this.certificates.set(c.certificateId, { clientId: c.clientId, key });
  }

  /** Revokes a mapping: tokens already issued stay valid until they expire, as in NetSuite. */
  unregister(certificateId: string): boolean {
    return this.certificates.delete(certificateId);
  }

  get registered(): Array<{ clientId: string; certificateId: string }> {
    return [...this.certificates].map(([certificateId, m]) => ({ certificateId, clientId: m.clientId }));
  }

  get activeTokens(): number {
    const nowMs = this.now();
    return [...this.tokens.values()].filter((x) => x.expiresAtMs > nowMs).length;
  }

  /** Every token issued so far expires now (the next request with one gets 401). */
  expireAll(): number {
    const t = this.now();
    let n = 0;
    for (const token of this.tokens.values()) {
      if (token.expiresAtMs > t) {
        n++;
        token.expiresAtMs = t;
      }
    }
    return n;
  }

  /** The token URLs an assertion may name as `aud`: the account's NetSuite one and the one the client called. */
  audiences(calledUrl: string): string[] {
    const host = this.accountId().toLowerCase().replace(/_/g, '-');
    return [`https://${host}.suitetalk.api.netsuite.com${TOKEN_PATH}`, calledUrl];
  }

  /** The token endpoint: checks the form and the assertion, answers a new access token or why not. */
  async token(form: Record<string, unknown>, calledUrl: string): Promise<TokenResult> {
    const fail = (failure: M2mTokenFailure): TokenResult => ({ ok: false, failure });
    if (form.grant_type !== 'client_credentials') return fail(form.grant_type === undefined ? 'invalid_request' : 'unsupported_grant_type');
    if (form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return fail('invalid_request');
    const assertion = form.client_assertion;
    if (typeof assertion !== 'string' || assertion.length === 0) return fail('invalid_request');

    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      return fail('invalid_request');
    }
    const mapping = typeof header.kid === 'string' ? this.certificates.get(header.kid) : undefined;
    if (!mapping) return fail('unknown_kid');
    const algorithms = ALGORITHMS[mapping.key.asymmetricKeyType ?? ''] ?? [];
    if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) return fail('unsupported_alg');

    const nowMs = this.now();
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(assertion, mapping.key, {
        algorithms: [...algorithms],
        audience: this.audiences(calledUrl),
        currentDate: new Date(nowMs),
        requiredClaims: ['iss', 'aud', 'iat', 'exp', 'scope'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) return fail('bad_signature');
      if (err instanceof joseErrors.JWTExpired) return fail('expired_assertion');
      if (err instanceof joseErrors.JWTClaimValidationFailed) {
        if (err.claim === 'aud') return fail('wrong_aud');
        if (err.claim === 'iat' && err.reason === 'check_failed') return fail('iat_in_future');
        return fail('missing_claim');
      }
      return fail('invalid_request');
    }
    const iat = payload.iat!;
    const exp = payload.exp!;
    // NetSuite: exp must be less than 60 minutes after iat.
    if (exp - iat > 3600) return fail('exp_too_far');
    if (iat > nowMs / 1000 + 300) return fail('iat_in_future');
    if (payload.iss !== mapping.clientId) return fail('unknown_iss');
    // `scope` is a comma-separated string in NetSuite's docs, an array in its example; spaces are tolerated.
    const scopes = Array.isArray(payload.scope) ? payload.scope.map(String) : String(payload.scope).split(/[,\s]+/);
    if (!scopes.includes('rest_webservices')) return fail('missing_scope');

    // Expired tokens are forgotten an hour later (until then a request with one is told it expired).
    for (const [t, v] of this.tokens) if (v.expiresAtMs <= nowMs - 3_600_000) this.tokens.delete(t);
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, { clientId: mapping.clientId, expiresAtMs: nowMs + this.tokenTtlS * 1000 });
    return { ok: true, accessToken, expiresInS: this.tokenTtlS };
  }

  /** Undefined when the Authorization header carries a live token, else why not. */
  check(authorization: string | undefined): BearerFailure | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return 'missing_credentials';
    const t = this.tokens.get(m[1]!);
    if (!t) return 'unknown_token';
    if (t.expiresAtMs <= this.now()) return 'expired_token';
    return undefined;
  }
}
