import { defineSettings, flag, oneOf, positiveInt, setting, text, token, url } from './setting';

/** How `POST /webhooks/erp` treats the ERP's Standard Webhooks signature (the same switch as BigCommerce's). */
export const ERP_SIGNATURE_MODES = ['off', 'log', 'enforce'] as const;
export type ErpSignatureMode = (typeof ERP_SIGNATURE_MODES)[number];

/** The ERP (NetSuite's shape): where it is, how hard it may be called, and its change events' secret. */
export const erpSettings = defineSettings({
  flow: 'Connections',
  title: 'ERP',
  module: 'config/erp.ts',
  settings: {
    apiUrl: setting('ERP_API_URL', url, {
      required: true,
      sandbox: 'http://127.0.0.1:4020',
      description: "The ERP's REST API: `https://<account>.suitetalk.api.netsuite.com`, or the ERP sandbox.",
    }),
    accessToken: setting('ERP_ACCESS_TOKEN', text, {
      required: true,
      secret: true,
      sandbox: 'sandbox-erp-token',
      description: 'OAuth 2.0 bearer token for the ERP; never logged.',
    }),
    concurrency: setting('ERP_CONCURRENCY', positiveInt, {
      default: '5',
      description: "This integration's share of NetSuite's account-wide concurrency limit (ERP calls in flight at once, per worker process).",
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
    webhookSignatures: setting('ERP_WEBHOOK_SIGNATURES', oneOf(ERP_SIGNATURE_MODES), {
      unset: 'unset: `enforce` when ERP_WEBHOOK_SIGNING_SECRET is set, else `off`',
      description:
        '`enforce`: an ERP push without a valid signature is refused (401). `log`: verified, and failures are logged and counted (`bcsync_webhook_signature_checks_total{sender="erp"}`) but let through: turn it on this way, watch the counter, then enforce. `off`: not checked (the `x-bcsync-erp-token` header alone).',
    }),
    trustPushedLevels: setting('ERP_TRUST_PUSHED_LEVELS', flag, {
      default: 'false',
      description:
        "`false`: an `inventory.changed` event is only a hint: the API reads the SKUs' levels (and their change times) from the ERP itself, in one batched SuiteQL read per push, and those are what the inventory sync writes. `true`: the level and `changedAt` in the event are taken as they are (one ERP read fewer per push; anyone holding the push credentials can then set stock levels).",
    }),
  },
  check: (v) => [
    ...(v.webhookSignatures !== undefined && v.webhookSignatures !== 'off' && v.webhookSigningSecret === undefined
      ? [{ setting: 'webhookSignatures' as const, message: `${v.webhookSignatures} needs ERP_WEBHOOK_SIGNING_SECRET` }]
      : []),
    ...(v.previousWebhookSigningSecret !== undefined && v.webhookSigningSecret === undefined
      ? [{ setting: 'previousWebhookSigningSecret' as const, message: 'set without ERP_WEBHOOK_SIGNING_SECRET (the previous secret only verifies beside a current one)' }]
      : []),
  ],
  derive: (v) => ({
    ...v,
    /** The signature mode in force (ERP_WEBHOOK_SIGNATURES, else by whether a signing secret is set). */
    webhookSignatures: v.webhookSignatures ?? (v.webhookSigningSecret !== undefined ? 'enforce' : 'off'),
    /** The secrets that verify a push: the current one, then the previous one during a rotation. */
    webhookSigningSecrets: [v.webhookSigningSecret, v.previousWebhookSigningSecret].filter((s): s is string => s !== undefined),
  }),
});
