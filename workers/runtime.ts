import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Logger } from '../lib/logger';

type SdkLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

let installed = false;

/**
 * What an error says about itself without its text. An error message can quote a shopper (an API's
 * 422 naming an email, a NetSuite USER_ERROR quoting an address); the text is kept, encrypted, in the
 * workflow's history, where ops read it through the codec server. A log line keeps the kind of error.
 */
export function errorShape(err: Error): Record<string, unknown> {
  const e = err as Error & { type?: unknown; nonRetryable?: unknown; status?: unknown; statusCode?: unknown; code?: unknown; cause?: unknown };
  return {
    name: err.name,
    ...(typeof e.type === 'string' ? { type: e.type } : {}),
    ...(typeof e.nonRetryable === 'boolean' ? { nonRetryable: e.nonRetryable } : {}),
    ...(typeof e.status === 'number' ? { status: e.status } : {}),
    ...(typeof e.statusCode === 'number' ? { status: e.statusCode } : {}),
    ...(typeof e.code === 'string' && e.code.length <= 64 ? { code: e.code } : {}),
    ...(e.cause instanceof Error ? { cause: errorShape(e.cause) } : {}),
    message: '[in the workflow history, encrypted]',
  };
}

/** The SDK's log metadata with every error reduced to its shape (errorShape). */
export function sdkLogMeta(meta: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(meta)) {
    if (!(value instanceof Error)) continue;
    copy ??= { ...meta };
    copy[key] = errorShape(value);
  }
  return copy ?? meta;
}

/**
 * Routes the Temporal SDK's own logs (worker state, bundler, core) into our pino logger, at WARN
 * and above unless TEMPORAL_SDK_LOG_LEVEL says otherwise. Must run before the first worker or
 * native connection is created; later calls are no-ops.
 */
export function installTemporalRuntime(logger: Logger, level: SdkLevel = (process.env.TEMPORAL_SDK_LOG_LEVEL as SdkLevel | undefined) ?? 'WARN'): void {
  if (installed) return;
  installed = true;
  const sdk = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger(level, (entry: LogEntry) => {
      const meta = sdkLogMeta(entry.meta ?? {});
      // Each of our workers polls one kind of task on purpose; the SDK warns about the other kind.
      if (/^No (activities|workflows|Nexus services) registered/.test(entry.message)) return;
      switch (entry.level) {
        case 'ERROR':
          sdk.error(meta, entry.message);
          break;
        case 'WARN':
          sdk.warn(meta, entry.message);
          break;
        case 'INFO':
          sdk.info(meta, entry.message);
          break;
        default:
          sdk.debug(meta, entry.message);
      }
    }),
  });
}
