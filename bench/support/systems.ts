import { startDevServer } from '../../cli/dev-server';
import { type SandboxesOptions, startSandboxes } from '../../sandbox/start-sandboxes';
import { bundleWorkflows } from '../../workers/start-workers';

/**
 * What a bench starts before its own setup: a quiet Temporal dev server, the workflow bundle, and
 * the three sandboxes on free ports, the OMS's quota out of the way. The store's options (quota,
 * clients, rate limiting, webhook time scale) are the bench's own.
 */
export async function startBenchSystems(bigcommerce: NonNullable<SandboxesOptions['bigcommerce']>) {
  const temporal = await startDevServer({ logLevel: 'never' });
  const bundle = await bundleWorkflows();
  const sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce, oms: { quota: 1_000_000 } });
  return { temporal, bundle, sandboxes };
}
