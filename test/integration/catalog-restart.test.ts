import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startDevServer } from '../../cli/dev-server';
import { loadConfig } from '../../config/env';
import { requestCatalogRun } from '../../clients/catalog';
import { startSandboxes, type RunningSandboxes } from '../../sandbox/start-sandboxes';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers';
import { connectClient, connectWorkerConnection } from '../../workers/temporal-connection';
import { catalogStateQuery, catalogWorkflowId, type CatalogSyncState } from '../../workflows/catalog/catalog-sync.contract';
import { logger } from '../support/setup';
import { eventually, freePort } from '../support/stack';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';

/**
 * A Temporal restart in the middle of a catalog run: its own dev server with its state in a SQLite
 * file, stopped (with the workers) after two of four pages and started again on the same file.
 * The run must carry on from its checkpoint, not from zero.
 */
const STORE = 'catrestart';
let sandboxes: RunningSandboxes | undefined;
let server: TestWorkflowEnvironment | undefined;
let workers: RunningWorkers | undefined;
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await workers?.shutdown().catch(() => undefined);
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await server?.teardown().catch(() => undefined);
  await sandboxes?.close();
});

describe('catalog sync across a Temporal restart', () => {
  it('resumes the run at its checkpointed page after the server (and the workers) restart', async () => {
    const dbFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'catalog-restart-')), 'temporal.db');
    const port = await freePort();
    sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { storeHash: STORE, quota: 30, clients: { 'r-token': { clientId: 'r', clientSecret: 'r-secret' } } } });
    const config = loadConfig({
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      BC_API_URL: sandboxes.bcUrl,
      BC_STORE_HASH: STORE,
      BC_ACCESS_TOKEN: 'r-token',
      // One call a second: the run takes long enough to be cut in the middle.
      BC_PLAN: 'enterprise',
      BC_QUOTA: '30',
      BC_QUOTA_HEADROOM: '0',
      ERP_API_URL: sandboxes.erpUrl,
      ERP_ACCESS_TOKEN: 'sandbox-erp-token',
      OMS_API_URL: sandboxes.omsUrl,
      OMS_API_KEY: 'sandbox-oms-key',
      OMS_API_SECRET: 'sandbox-oms-secret',
      OMS_WEBHOOK_TOKEN: 'restart-oms-token-0123456789',
      WEBHOOK_SECRET: 'restart-webhook-secret-0123',
      CATALOG_PAGE_SIZE: '5',
      CATALOG_OVERLAP: '0s',
    });
    const items = Array.from({ length: 20 }, (_, i) => ({ sku: `RS-${i + 1}`, displayName: `Restart widget ${i + 1}`, weight: 1, prices: { 'Base Price': 5 + i } }));
    const seeded = await fetch(`${sandboxes.erpUrl}/__sandbox/catalog`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
    expect(seeded.status).toBe(200);

    const up = async () => {
      server = await startDevServer({ dbFile, port });
      const native = await connectWorkerConnection(config.temporal);
      const { client, close } = await connectClient(config.temporal);
      workers = await startWorkers(config, { connection: native, logger, client, workflowBundle: { codePath: inject('workflowBundlePath') } });
      const down = async () => {
        await workers!.shutdown();
        workers = undefined;
        await native.close();
        await close();
      };
      closers.push(down);
      return { client, down };
    };
    const state = (client: Client) => client.workflow.getHandle(catalogWorkflowId(STORE)).query(catalogStateQuery);

    const first = await up();
    await requestCatalogRun(first.client, config, STORE, { reason: 'test: before the restart' });
    const mid = await eventually(
      async () => {
        const s = await state(first.client);
        return (s.running?.counts.pages ?? 0) >= 2 ? s : undefined;
      },
      'two pages done',
      60_000,
    );
    expect(mid.running!.counts.pages).toBeLessThan(4);
    closers.pop();
    await first.down();
    await server!.teardown();
    server = undefined;

    const second = await up();
    const done: CatalogSyncState = await eventually(
      async () => {
        const s = await state(second.client);
        return s.runs === 1 && !s.running ? s : undefined;
      },
      'the run to end after the restart',
      90_000,
    );
    // Four pages and twenty items in all: what was done before the restart was not done again.
    expect(done.lastRun!.counts).toMatchObject({ pages: 4, items: 20, productsCreated: 20, parked: 0 });
    const created = Object.values(sandboxes.bigcommerce.ctx.data.products).filter((p) => p.sku.startsWith('RS-'));
    expect(created.map((p) => p.sku).sort()).toEqual(items.map((i) => i.sku).sort());
  });
});
