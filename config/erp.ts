import { defineSettings, positiveInt, setting, text, token, url } from './setting';

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
        'Shared secret the ERP sends in the `x-bcsync-erp-token` header with its change events (`POST /webhooks/erp`); unset, that route answers 503 and only the scheduled sweeps read the ERP.',
    }),
  },
});
