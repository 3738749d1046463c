import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Logger } from '../lib/logger';

type SdkLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

let installed = false;

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
      const meta = entry.meta ?? {};
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
