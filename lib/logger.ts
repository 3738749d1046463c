import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One logger for every process. Redaction is a second line of defence: code never passes tokens to
 * the logger, but a header object logged by mistake must not leak one either.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'bcsync', opts: { pretty?: boolean } = {}): Logger {
  return pino({
    name,
    level,
    // Humans at a terminal get readable lines; log shippers get JSON.
    ...(opts.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } } } : {}),
    redact: {
      paths: ['*.accessToken', '*.token', '*.headers["x-auth-token"]', '*.headers["X-Auth-Token"]', '*.headers.authorization', '*.headers["x-bcsync-secret"]', '*.webhookSecret'],
      censor: '[redacted]',
    },
  });
}
