import { createLogger } from '../../lib/logger';
import { installTemporalRuntime } from '../../workers/runtime';

/** Every test file: the SDK logs through pino at WARN (TEST_LOG_LEVEL=debug to see more). */
export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'bcsync-test');
installTemporalRuntime(logger);
