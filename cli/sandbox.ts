import { createLogger } from '../lib/logger';
import { startSandboxes } from '../sandbox/start-sandboxes';

export interface SandboxCliOptions {
  host: string;
  bcPort: number;
  erpPort: number;
  storeHash: string;
  token: string;
  quota: number;
  windowMs: number;
  webhookTimeScale: number;
  stateDir?: string;
}

/** `bcsync sandbox`: the BigCommerce and ERP simulators alone. */
export async function runSandbox(opts: SandboxCliOptions): Promise<void> {
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info', 'bcsync-sandbox');
  const sandboxes = await startSandboxes({
    host: opts.host,
    bcPort: opts.bcPort,
    erpPort: opts.erpPort,
    stateDir: opts.stateDir,
    bigcommerce: {
      storeHash: opts.storeHash,
      tokens: { [opts.token]: 'sandbox-client' },
      quota: opts.quota,
      windowMs: opts.windowMs,
      webhookTimeScale: opts.webhookTimeScale,
    },
    logger,
  });
  logger.info({ bigcommerce: `${sandboxes.bcUrl}/stores/${opts.storeHash}`, erp: `${sandboxes.erpUrl}/services/rest/record/v1` }, 'sandboxes listening');
  const stop = async () => {
    await sandboxes.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
