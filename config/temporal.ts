import { defineSettings, flag, setting, text } from './setting';

/** The Temporal cluster every process connects to. */
export const temporalSettings = defineSettings({
  flow: 'Temporal',
  title: 'Temporal',
  module: 'config/temporal.ts',
  settings: {
    address: setting('TEMPORAL_ADDRESS', text, { default: 'localhost:7233', description: 'Temporal frontend (host:port).' }),
    namespace: setting('TEMPORAL_NAMESPACE', text, { default: 'default', description: 'Temporal namespace.' }),
    apiKey: setting('TEMPORAL_API_KEY', text, { secret: true, description: 'Temporal Cloud API key; setting it turns TLS on.' }),
    tls: setting('TEMPORAL_TLS', flag, {
      unset: 'on with TEMPORAL_API_KEY, else off',
      description: 'TLS to the Temporal frontend without an API key (or, `false`, none with one).',
    }),
    workflowTaskQueue: setting('TEMPORAL_WORKFLOW_TASK_QUEUE', text, { default: 'bcsync.workflows', description: 'The one workflow task queue.' }),
  },
  derive: (v) => ({ ...v, tls: v.tls ?? v.apiKey !== undefined }),
});
