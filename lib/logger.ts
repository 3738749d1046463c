import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One logger for every process. Redaction is a second line of defence: code never passes tokens to
 * the logger, but a header object logged by mistake must not leak one either.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'bcsync'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        '*.accessToken',
        '*.token',
        '*.headers["x-auth-token"]',
        '*.headers["X-Auth-Token"]',
        '*.headers.authorization',
        '*.headers["x-bcsync-secret"]',
        '*.webhookSecret',
      ],
      censor: '[redacted]',
    },
  });
}
