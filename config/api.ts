import { z } from 'zod';
import { defineSettings, kind, setting, text, token } from './setting';

/** `bcsync api`: where it listens and the secrets its routes check. */
export const apiSettings = defineSettings({
  flow: 'API',
  title: 'API',
  module: 'config/api.ts',
  settings: {
    port: setting('API_PORT', kind('integer 1-65535', z.coerce.number().int().min(1).max(65535)), {
      default: '3000',
      description: 'Port of `bcsync api` (webhooks, ops API, /metrics).',
    }),
    host: setting('API_HOST', text, {
      default: '127.0.0.1',
      description: 'Address the API listens on: `0.0.0.0` in a container; loopback by default so a laptop does not expose the API.',
    }),
    webhookSecret: setting('WEBHOOK_SECRET', token(16), {
      required: true,
      secret: true,
      sandbox: 'dev-webhook-secret-change-me',
      description: 'Shared secret BigCommerce sends in the `X-Bcsync-Secret` header of every webhook we registered.',
    }),
    opsToken: setting('OPS_TOKEN', token(16), {
      secret: true,
      sandbox: 'dev-ops-token-change-me',
      unset: 'unset: the ops API is off (answers 503)',
      description: 'Bearer token for `/ops/...`, the ops API.',
    }),
  },
});
