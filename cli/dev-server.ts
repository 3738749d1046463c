import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../domain/shared/search-attributes';
import { findTemporalBinary, INSTALL_HINT } from './temporal-binary';

export interface DevServerOptions {
  /** SQLite file for persistent state; in memory when unset. */
  dbFile?: string;
  port?: number;
  /** Web UI port; no UI when unset. */
  uiPort?: number;
  logLevel?: string;
  /** Prometheus metrics of the server itself (its `action` counter is what Temporal bills); off when unset. */
  metricsPort?: number;
  /** The codec server the Web UI decodes payloads through (`--ui-codec-endpoint`); none when unset. */
  uiCodecEndpoint?: string;
}

/**
 * The real Temporal server from the `temporal` CLI (`temporal server start-dev`), started through
 * the SDK so it stops with us. Registers the search attributes the workflows set.
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  const executable = findTemporalBinary();
  if (opts.dbFile) mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  // Loaded here: only the development commands and the tests start a dev server.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing').catch((err: unknown) => {
    throw new Error(
      `the Temporal dev server needs the development dependencies (npm ci, not --omit=dev); the production image runs worker, api and codec-server against a Temporal you run (${err instanceof Error ? err.message : String(err)})`,
    );
  });
  try {
    return await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        dbFilename: opts.dbFile,
        port: opts.port,
        ...(opts.uiPort ? { ui: true, uiPort: opts.uiPort } : {}),
        ip: '127.0.0.1',
        searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
        log: { format: 'pretty', level: opts.logLevel ?? 'error' },
        extraArgs: [
          ...(opts.metricsPort ? ['--metrics-port', String(opts.metricsPort)] : []),
          ...(opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
          // As Temporal's own CI runs it: fast SQLite, no fsync per write. A dev server, not production.
          '--sqlite-pragma',
          'journal_mode=WAL',
          '--sqlite-pragma',
          'synchronous=OFF',
          '--dynamic-config-value',
          'frontend.namespaceRPS=10000',
          '--dynamic-config-value',
          'frontend.namespaceRPS.visibility=1000',
          // One partition per task queue: a BigCommerce queue's rate limit and task priorities are
          // exact only on a single partition (the default 4 split the rate four ways).
          '--dynamic-config-value',
          'matching.numTaskqueueReadPartitions=1',
          '--dynamic-config-value',
          'matching.numTaskqueueWritePartitions=1',
        ],
      },
    });
  } catch (err) {
    if (executable.type === 'cached-download') {
      throw new Error(`${INSTALL_HINT}\n(download error: ${err instanceof Error ? err.message : String(err)})`);
    }
    throw err;
  }
}
