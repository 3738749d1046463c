import { z } from 'zod';
import { defineSettings, kind, oneOf, setting } from './setting';

/** What every process does alike: its log level and, for `bcsync worker`, its metrics port. */
export const processSettings = defineSettings({
  flow: 'Logs and metrics',
  title: 'Logs and metrics',
  module: 'config/process.ts',
  settings: {
    logLevel: setting('LOG_LEVEL', oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']), {
      default: 'info',
      description: "pino log level. The Temporal SDK's own logs follow `TEMPORAL_SDK_LOG_LEVEL` (default `WARN`).",
    }),
    metricsPort: setting('METRICS_PORT', kind('integer 0-65535', z.coerce.number().int().min(0).max(65535)), {
      default: '9464',
      description: '`bcsync worker` serves Prometheus metrics on this port (0 = off); the API serves its own on /metrics.',
    }),
  },
});
