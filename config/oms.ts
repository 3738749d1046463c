import { z } from 'zod';
import { defineSettings, kind, setting, text, token, url } from './setting';

/** The OMS/3PL, in ShipStation V1's shape: base URL, API key and secret (HTTP Basic). */
export const omsSettings = defineSettings({
  flow: 'Connections',
  title: 'OMS',
  module: 'config/oms.ts',
  settings: {
    apiUrl: setting('OMS_API_URL', url, {
      required: true,
      sandbox: 'http://127.0.0.1:4030',
      description: "The OMS in ShipStation V1's shape: `https://ssapi.shipstation.com`, or the OMS sandbox.",
    }),
    apiKey: setting('OMS_API_KEY', text, { required: true, secret: true, sandbox: 'sandbox-oms-key', description: 'API key (the HTTP Basic user); never logged.' }),
    apiSecret: setting('OMS_API_SECRET', text, { required: true, secret: true, sandbox: 'sandbox-oms-secret', description: 'API secret (the HTTP Basic password); never logged.' }),
    ratePerMinute: setting('OMS_RATE_PER_MINUTE', kind('number > 0', z.coerce.number().positive()), {
      default: '40',
      description: "The OMS queue's dispatch rate, in requests per minute (ShipStation V1 allows 40 per key).",
    }),
    taskQueue: setting('OMS_TASK_QUEUE', text, { default: 'oms.shipstation', description: 'Task queue of the OMS activities.' }),
    webhookToken: setting('OMS_WEBHOOK_TOKEN', token(16), {
      required: true,
      secret: true,
      sandbox: 'dev-oms-webhook-token-change-me',
      description: 'Carried in the SHIP_NOTIFY target URL we register: ShipStation webhooks carry no signature.',
    }),
  },
});
