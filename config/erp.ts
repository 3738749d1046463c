import { isNetSuiteAccountId, netSuiteAccount, netSuiteApiUrl } from '../connectors/erp/netsuite/auth/account';
import { defineSettings, flag, kind, oneOf, positiveInt, setting, text, token, url } from './setting';
import { SIGNATURE_MODES } from './signature-modes';
import { z } from 'zod';

/** How requests to NetSuite are authorized (connectors/erp/netsuite/auth/). */
export const NETSUITE_AUTH_MODES = ['m2m', 'tba', 'bearer'] as const;
export type NetSuiteAuthMode = (typeof NETSUITE_AUTH_MODES)[number];

/** The scopes an M2M token may carry (ns:section_162790605110). */
export const NETSUITE_SCOPES = ['rest_webservices', 'restlets', 'suite_analytics'] as const;

const accountId = kind('account id: digits, optionally `_SB<n>` or `-sb<n>`', (env) =>
  z.string().refine(isNetSuiteAccountId, `${env} must be digits, optionally followed by _SB<n> or -sb<n> (a sandbox), e.g. 1234567 or 1234567_SB1`),
);

const scopeList = kind(`scopes, comma- or space-separated: ${NETSUITE_SCOPES.map((s) => `\`${s}\``).join(', ')}`, (env) =>
  z
    .string()
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(z.enum(NETSUITE_SCOPES, { error: `${env}: each scope is one of ${NETSUITE_SCOPES.join(', ')}` })).min(1, `${env} names no scope`)),
);

/** Each mode's required settings. */
const REQUIRED_BY_MODE = {
  m2m: ['accountId', 'clientId', 'certificateId', 'privateKeyFile'],
  tba: ['accountId', 'consumerKey', 'consumerSecret', 'tokenId', 'tokenSecret'],
  bearer: ['accessToken'],
} as const;

/** NETSUITE_AUTH, or when unset: `bearer` for a configuration from before the modes (ERP_ACCESS_TOKEN and no NetSuite credentials), else `m2m`. */
function authModeOf(v: { authMode?: NetSuiteAuthMode; accessToken?: string; clientId?: string; consumerKey?: string }): NetSuiteAuthMode {
  if (v.authMode !== undefined) return v.authMode;
  return v.accessToken !== undefined && v.clientId === undefined && v.consumerKey === undefined ? 'bearer' : 'm2m';
}

/** The ERP (NetSuite's shape): where it is, how hard it may be called, and its change events' secret. */
export const erpSettings = defineSettings({
  flow: 'Connections',
  title: 'ERP',
  module: 'config/erp.ts',
  settings: {
    authMode: setting('NETSUITE_AUTH', oneOf(NETSUITE_AUTH_MODES), {
      // The sandbox profile's fixed token; `bcsync dev` replaces it with m2m and the key pair it makes.
      sandbox: 'bearer',
      unset: 'unset: `m2m`; `bearer` when only ERP_ACCESS_TOKEN is set (a configuration from before the modes)',
      description:
        'How requests to NetSuite are authorized. `m2m`: OAuth 2.0 client credentials with a JWT signed by the key of the certificate mapped to the integration (NETSUITE_ACCOUNT_ID, NETSUITE_CLIENT_ID, NETSUITE_CERTIFICATE_ID, NETSUITE_PRIVATE_KEY_FILE); the 60-minute token is cached per process and refreshed before it expires. `tba`: token-based authentication, OAuth 1.0a HMAC-SHA256 (NETSUITE_ACCOUNT_ID, NETSUITE_CONSUMER_KEY, NETSUITE_CONSUMER_SECRET, NETSUITE_TOKEN_ID, NETSUITE_TOKEN_SECRET). `bearer`: ERP_ACCESS_TOKEN as it is, for tests and the sandbox. See docs/netsuite.md.',
    }),
    accountId: setting('NETSUITE_ACCOUNT_ID', accountId, {
      unset: 'unset: ERP_API_URL is required (bearer only)',
      description:
        'The NetSuite account id (Setup > Company > Company Information): `1234567`, or a sandbox as `1234567_SB1` or `1234567-sb1`. Gives the REST URL (`https://1234567-sb1.suitetalk.api.netsuite.com`), the token URL and the TBA realm (`1234567_SB1`).',
    }),
    clientId: setting('NETSUITE_CLIENT_ID', text, {
      unset: 'unset: required for m2m',
      description: "m2m: the integration record's client id (the JWT's `iss`).",
    }),
    certificateId: setting('NETSUITE_CERTIFICATE_ID', text, {
      unset: 'unset: required for m2m',
      description: 'm2m: the certificate id NetSuite shows in "OAuth 2.0 Client Credentials (M2M) Setup" for the mapped certificate (the JWT\'s `kid`).',
    }),
    privateKeyFile: setting('NETSUITE_PRIVATE_KEY_FILE', text, {
      unset: 'unset: required for m2m',
      description:
        'm2m: path to the PEM private key of the mapped certificate, RSA (signs PS256) or EC P-256 (signs ES256), unencrypted. Read once at start; a file that is not such a key stops the start with an error naming this variable (never the key).',
    }),
    scopes: setting('NETSUITE_SCOPES', scopeList, {
      default: 'rest_webservices',
      description: "m2m: the scopes the token asks for (the JWT's `scope`, sent comma-separated); the integration record must allow them.",
    }),
    consumerKey: setting('NETSUITE_CONSUMER_KEY', text, {
      secret: true,
      unset: 'unset: required for tba',
      description: "tba: the integration record's consumer key; never logged.",
    }),
    consumerSecret: setting('NETSUITE_CONSUMER_SECRET', text, {
      secret: true,
      unset: 'unset: required for tba',
      description: "tba: the integration record's consumer secret; never logged.",
    }),
    tokenId: setting('NETSUITE_TOKEN_ID', text, {
      secret: true,
      unset: 'unset: required for tba',
      description: "tba: the access token's id (for the integration, user and role); never logged.",
    }),
    tokenSecret: setting('NETSUITE_TOKEN_SECRET', text, {
      secret: true,
      unset: 'unset: required for tba',
      description: "tba: the access token's secret; never logged.",
    }),
    apiUrl: setting('ERP_API_URL', url, {
      sandbox: 'http://127.0.0.1:4020',
      unset: 'unset: `https://<NETSUITE_ACCOUNT_ID, host form>.suitetalk.api.netsuite.com`',
      description:
        "Override of the ERP's REST root (the ERP sandbox, a proxy); the token URL is then `<ERP_API_URL>/services/rest/auth/oauth2/v1/token`. Normally left unset: derived from NETSUITE_ACCOUNT_ID.",
    }),
    accessToken: setting('ERP_ACCESS_TOKEN', text, {
      secret: true,
      sandbox: 'sandbox-erp-token',
      unset: 'unset: required for bearer',
      description: 'bearer (tests and the sandbox): the token sent as it is; never logged. Real NetSuite tokens expire within the hour: use m2m or tba.',
    }),
    concurrency: setting('ERP_CONCURRENCY', positiveInt, {
      default: '5',
      description:
        "This integration's share of NetSuite's account-wide concurrency limit: ERP calls in flight at once, for every worker process together (each of the `ERP_WORKER_PROCESSES` takes `floor(ERP_CONCURRENCY / ERP_WORKER_PROCESSES)`). The API's own ERP reads come on top (`ERP_API_CONCURRENCY`).",
    }),
    taskQueue: setting('ERP_TASK_QUEUE', text, { default: 'erp.netsuite', description: 'Task queue of the ERP activities.' }),
    webhookToken: setting('ERP_WEBHOOK_TOKEN', token(16), {
      secret: true,
      sandbox: 'dev-erp-webhook-token-change-me',
      unset: 'unset: POST /webhooks/erp answers 503',
      description:
        'Shared secret the ERP sends in the `x-bcsync-erp-token` header with its change events (`POST /webhooks/erp`); unset, that route answers 503 and only the scheduled sweeps read the ERP. Checked before the body is read, in every signature mode (a second factor).',
    }),
    webhookSigningSecret: setting('ERP_WEBHOOK_SIGNING_SECRET', token(24), {
      secret: true,
      sandbox: 'dev-erp-signing-secret-change-me-0123',
      unset: 'unset: ERP pushes are not signature-checked (ERP_WEBHOOK_SIGNATURES=off)',
      description:
        "Secret the ERP signs its pushes to `POST /webhooks/erp` with: Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`; HMAC-SHA256 keyed like BigCommerce's, `new Webhook(base64(secret))`). The route verifies the signature over the raw body, a timestamp within 5 minutes of now and the `webhook-id` (a replay inside the window is answered as a duplicate, nothing started). Never logged.",
    }),
    previousWebhookSigningSecret: setting('ERP_WEBHOOK_SIGNING_SECRET_PREVIOUS', token(24), {
      secret: true,
      unset: 'unset: one secret verifies',
      description:
        'During a rotation: the secret the ERP signed with until now, still accepted beside `ERP_WEBHOOK_SIGNING_SECRET`. Remove it once the ERP signs with the new one.',
    }),
    webhookSignatures: setting('ERP_WEBHOOK_SIGNATURES', oneOf(SIGNATURE_MODES), {
      unset: 'unset: `enforce` when ERP_WEBHOOK_SIGNING_SECRET is set, else `off`',
      description:
        '`enforce`: an ERP push without a valid signature is refused (401). `log`: verified, and failures are logged and counted (`bcsync_webhook_signature_checks_total{sender="erp"}`) but let through: turn it on this way, watch the counter, then enforce. `off`: not checked (the `x-bcsync-erp-token` header alone).',
    }),
    trustPushedLevels: setting('ERP_TRUST_PUSHED_LEVELS', flag, {
      default: 'false',
      description:
        "`false`: an `inventory.changed` event is only a hint: the API reads the SKUs' levels (and their change times) from the ERP itself (SuiteQL, 200 SKUs a query), and those are what the inventory sync writes. `true`: the level and `changedAt` in the event are taken as they are (no ERP read per push; anyone holding the push credentials can then set stock levels).",
    }),
  },
  check: (v) => [
    ...REQUIRED_BY_MODE[authModeOf(v)].flatMap((field) => (v[field] === undefined ? [{ setting: field, message: `required when NETSUITE_AUTH=${authModeOf(v)}` }] : [])),
    ...(v.apiUrl === undefined && v.accountId === undefined ? [{ setting: 'apiUrl' as const, message: 'required when NETSUITE_ACCOUNT_ID is unset' }] : []),
    ...(v.webhookSignatures !== undefined && v.webhookSignatures !== 'off' && v.webhookSigningSecret === undefined
      ? [{ setting: 'webhookSignatures' as const, message: `${v.webhookSignatures} needs ERP_WEBHOOK_SIGNING_SECRET` }]
      : []),
    ...(v.previousWebhookSigningSecret !== undefined && v.webhookSigningSecret === undefined
      ? [{ setting: 'previousWebhookSigningSecret' as const, message: 'set without ERP_WEBHOOK_SIGNING_SECRET (the previous secret only verifies beside a current one)' }]
      : []),
  ],
  derive: (v) => ({
    ...v,
    /** The mode in force (NETSUITE_AUTH, or inferred when unset). */
    authMode: authModeOf(v),
    /** The account's host and realm forms, when NETSUITE_ACCOUNT_ID is set. */
    account: v.accountId === undefined ? undefined : netSuiteAccount(v.accountId),
    /** ERP_API_URL, else the account's REST root (check() makes one of them set). */
    apiUrl: v.apiUrl ?? netSuiteApiUrl(netSuiteAccount(v.accountId!)),
    /** The signature mode in force (ERP_WEBHOOK_SIGNATURES, else by whether a signing secret is set). */
    webhookSignatures: v.webhookSignatures ?? (v.webhookSigningSecret !== undefined ? 'enforce' : 'off'),
    /** The secrets that verify a push: the current one, then the previous one during a rotation. */
    webhookSigningSecrets: [v.webhookSigningSecret, v.previousWebhookSigningSecret].filter((s): s is string => s !== undefined),
  }),
});
