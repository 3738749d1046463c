import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { M2mIssuer, TOKEN_PATH, oauthErrorFor, type M2mCertificate } from './auth-m2m';
import { TbaVerifier, type TbaCredentials } from './auth-tba';
import { netSuiteError } from './netsuite-errors';
import { invalidControlRequest } from '../control-errors';

/**
 * How the ERP sandbox authenticates record and SuiteQL requests:
 * - `bearer`: one fixed token (`accessToken`), for tests that are not about authentication;
 * - `m2m`: OAuth 2.0 client credentials, tokens from `POST /services/rest/auth/oauth2/v1/token`
 *   (auth-m2m.ts);
 * - `tba`: OAuth 1.0a signatures on every request (auth-tba.ts).
 * Every refusal is NetSuite's 401 INVALID_LOGIN; the reason goes to the sandbox's login audit trail
 * (`GET /__sandbox/auth`), as NetSuite writes it to its Login Audit Trail and not in the answer.
 */
export const ERP_AUTH_MODES = ['bearer', 'm2m', 'tba'] as const;
export type ErpAuthMode = (typeof ERP_AUTH_MODES)[number];

/** NetSuite's form of a sandbox account id (host `1234567-sb1`, realm `1234567_SB1`). */
export const DEFAULT_ERP_ACCOUNT_ID = '1234567_SB1';
export const DEFAULT_ERP_TOKEN = 'sandbox-erp-token';
export const DEFAULT_M2M_CLIENT_ID = 'sandbox-m2m-client-id';
export const DEFAULT_M2M_CERTIFICATE_ID = 'sandbox-m2m-certificate-id';
export const DEFAULT_TBA = {
  consumerKey: 'sandbox-tba-consumer-key',
  consumerSecret: 'sandbox-tba-consumer-secret',
  tokenId: 'sandbox-tba-token-id',
  tokenSecret: 'sandbox-tba-token-secret',
} as const;

export interface ErpAuthOptions {
  /** `bearer` by default. */
  mode?: ErpAuthMode;
  /** The account id in NetSuite's form (`1234567_SB1`): the TBA realm and the M2M `aud` host. */
  accountId?: string;
  /** bearer: the one token accepted (DEFAULT_ERP_TOKEN). */
  accessToken?: string;
  /** m2m: the mapped certificates (more can be registered later: `auth.m2m.register`, `POST /__sandbox/auth/certificates`). */
  certificates?: readonly M2mCertificate[];
  /** m2m: an issued token's life, seconds (3600 as NetSuite; lower it to see tokens expire mid-run). */
  tokenTtlS?: number;
  /** tba: consumers and tokens (DEFAULT_TBA's when unset). */
  tba?: TbaCredentials;
  /** tba: how far `oauth_timestamp` may stray from the sandbox's clock, seconds (300). */
  tbaMaxSkewS?: number;
}

const ACCOUNT_ID = /^[0-9A-Z]+(_[A-Z0-9]+)?$/;
const AUDIT_TRAIL_MAX = 200;

export interface LoginAuditEntry {
  at: string;
  mode: ErpAuthMode;
  /** `token` for the token endpoint, else the request's path. */
  path: string;
  reason: string;
}

export class ErpAuth {
  readonly mode: ErpAuthMode;
  readonly accountId: string;
  readonly m2m: M2mIssuer;
  readonly tba: TbaVerifier;
  private readonly accessToken: string;
  readonly stats = {
    /** Record and SuiteQL requests let through. */
    authenticated: 0,
    /** Record and SuiteQL requests refused with 401, by reason. */
    refused: {} as Record<string, number>,
    /** Access tokens the token endpoint issued. */
    tokensIssued: 0,
    /** Token requests refused, by reason. */
    tokenRefused: {} as Record<string, number>,
  };
  /** The latest refusals, oldest first (at most 200). */
  readonly loginAuditTrail: LoginAuditEntry[] = [];

  constructor(
    options: ErpAuthOptions,
    private readonly now: () => number,
  ) {
    this.mode = options.mode ?? 'bearer';
    this.accountId = options.accountId ?? DEFAULT_ERP_ACCOUNT_ID;
    if (!ACCOUNT_ID.test(this.accountId)) throw new Error(`ERP sandbox account id ${this.accountId}: NetSuite's form is digits, then _SB1 etc. for a sandbox (1234567_SB1)`);
    this.accessToken = options.accessToken ?? DEFAULT_ERP_TOKEN;
    this.m2m = new M2mIssuer(options.certificates ?? [], () => this.accountId, now, options.tokenTtlS ?? 3600);
    const tba = options.tba ?? {
      consumers: { [DEFAULT_TBA.consumerKey]: DEFAULT_TBA.consumerSecret },
      tokens: { [DEFAULT_TBA.tokenId]: { secret: DEFAULT_TBA.tokenSecret, consumerKey: DEFAULT_TBA.consumerKey } },
    };
    this.tba = new TbaVerifier(tba, () => this.accountId, now, options.tbaMaxSkewS ?? 300);
  }

  /** Total refusals of record and SuiteQL requests. */
  get refusedTotal(): number {
    return Object.values(this.stats.refused).reduce((a, b) => a + b, 0);
  }

  private audit(path: string, reason: string): void {
    this.loginAuditTrail.push({ at: new Date(this.now()).toISOString(), mode: this.mode, path, reason });
    if (this.loginAuditTrail.length > AUDIT_TRAIL_MAX) this.loginAuditTrail.shift();
  }

  /** In front of the record and SuiteQL routers (before governance, as NetSuite authenticates first). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const authorization = req.get('authorization');
      const reason =
        this.mode === 'tba'
          ? this.tba.verify(req)
          : this.mode === 'm2m'
            ? this.m2m.check(authorization)
            : authorization === `Bearer ${this.accessToken}`
              ? undefined
              : authorization
                ? 'unknown_token'
                : 'missing_credentials';
      if (reason === undefined) {
        this.stats.authenticated++;
        next();
        return;
      }
      this.stats.refused[reason] = (this.stats.refused[reason] ?? 0) + 1;
      this.audit(req.originalUrl.split('?')[0]!, reason);
      res
        .status(401)
        .json(
          netSuiteError(
            401,
            'Unauthorized',
            'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.',
            'INVALID_LOGIN',
          ),
        );
    };
  }

  /** `POST /services/rest/auth/oauth2/v1/token` (form-encoded), mounted at the root. */
  tokenRouter(): Router {
    const router = express.Router();
    router.post(TOKEN_PATH, express.urlencoded({ extended: false, limit: '64kb' }), (req, res, next) => {
      const refuse = (status: number, body: { error: string }, reason: string) => {
        this.stats.tokenRefused[reason] = (this.stats.tokenRefused[reason] ?? 0) + 1;
        this.audit('token', reason);
        res.status(status).set('Cache-Control', 'no-store').json(body);
      };
      // An integration record without the client credentials grant.
      if (this.mode !== 'm2m') return void refuse(400, { error: 'unauthorized_client' }, 'm2m_not_enabled');
      const form = (req.body ?? {}) as Record<string, unknown>;
      const called = `${req.protocol}://${req.get('host')}${TOKEN_PATH}`;
      this.m2m
        .token(form, called)
        .then((result) => {
          if (!result.ok) {
            const { status, body } = oauthErrorFor(result.failure);
            return refuse(status, body, result.failure);
          }
          this.stats.tokensIssued++;
          // NetSuite's documented answer: expires_in is the string "3600".
          res.set('Cache-Control', 'no-store').json({ access_token: result.accessToken, expires_in: String(result.expiresInS), token_type: 'bearer' });
        })
        .catch(next);
    });
    return router;
  }

  /** Shown by `GET /__sandbox/auth` and the summary: mode, counts, mappings; never a secret or a token. */
  describe() {
    return {
      mode: this.mode,
      accountId: this.accountId,
      tokenTtlS: this.m2m.tokenTtlS,
      activeTokens: this.m2m.activeTokens,
      certificates: this.m2m.registered,
      tbaMaxSkewS: this.tba.maxSkewS,
      stats: this.stats,
    };
  }

  /** `/__sandbox/auth...`: read the counts and audit trail, compress token life, expire tokens, map certificates. */
  controls(): Router {
    const router = express.Router();
    router.use(express.json({ limit: '1mb' }));
    router.get('/auth', (_req, res) => void res.json({ ...this.describe(), loginAuditTrail: this.loginAuditTrail }));
    router.put('/auth', (req, res) => {
      const parsed = z
        .strictObject({ tokenTtlS: z.number().int().min(1).max(3600) })
        .partial()
        .safeParse(req.body);
      if (!parsed.success) return void invalidControlRequest(res, parsed.error);
      if (parsed.data.tokenTtlS !== undefined) this.m2m.tokenTtlS = parsed.data.tokenTtlS;
      res.json(this.describe());
    });
    router.post('/auth/expire-tokens', (_req, res) => void res.json({ expired: this.m2m.expireAll() }));
    router.post('/auth/certificates', (req, res) => {
      const parsed = z.strictObject({ clientId: z.string().min(1), certificateId: z.string().min(1), publicKey: z.string().min(1) }).safeParse(req.body);
      if (!parsed.success) return void invalidControlRequest(res, parsed.error);
      try {
        this.m2m.register(parsed.data);
      } catch (err) {
        return void res.status(400).json({ error: 'invalid control request', reason: (err as Error).message });
      }
      res.status(201).json({ certificates: this.m2m.registered });
    });
    router.delete('/auth/certificates/:id', (req, res) => void res.status(this.m2m.unregister(String(req.params.id)) ? 204 : 404).end());
    router.delete('/auth/audit', (_req, res) => {
      this.loginAuditTrail.length = 0;
      res.status(204).end();
    });
    return router;
  }
}
