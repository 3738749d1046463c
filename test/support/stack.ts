import { randomBytes } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { startApiServer } from '../../api/server';
import { loadConfig, type Config } from '../../config/env';
import { registerHooks, registerOmsWebhook } from '../../cli/register-hooks';
import type { ErpAuthOptions } from '../../sandbox/erp/auth';
import { startSandboxes, type RunningSandboxes } from '../../sandbox/start-sandboxes';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers';
import { connectClient, connectWorkerConnection } from '../../workers/temporal-connection';
import { TEST_PAYLOAD_KEYS } from './temporal';
import { logger } from './setup';

export const TEST_SECRET = 'test-webhook-secret-0123456789';
/** The sandbox API client's secret, which signs its webhook deliveries. */
export const TEST_CLIENT_SECRET = 'test-client-secret';
export const TEST_OMS_TOKEN = 'test-oms-token-0123456789';
export const TEST_OPS_TOKEN = 'test-ops-token-0123456789';
export const TEST_ERP_TOKEN = 'test-erp-token-0123456789';
/** The secret the ERP sandbox signs its pushes to `POST /webhooks/erp` with (enforced). */
export const TEST_ERP_SIGNING_SECRET = 'test-erp-signing-secret-0123456789';

export interface Stack {
  config: Config;
  /** The environment `config` was loaded from (for another worker process of the same stack). */
  env: Record<string, string>;
  storeHash: string;
  sandboxes: RunningSandboxes;
  /** Sandboxes of the extra stores, by store hash. */
  extraStores: Array<{ hash: string; sandboxes: RunningSandboxes }>;
  workers: RunningWorkers;
  client: Client;
  connection: Connection;
  apiUrl: string;
  /** POST /v2/orders on the BigCommerce sandbox. */
  createOrder(body: unknown): Promise<{ id: number } & Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * The whole product against the shared dev server: both sandboxes, the workers and the API, with
 * the sandbox's hook pointing at the API. Each stack gets its own store hash, so workflow ids and
 * task queues never collide with another test's.
 */
export async function startStack(overrides: Record<string, string> = {}, opts: { extraStores?: number; erpAuth?: ErpAuthOptions } = {}): Promise<Stack> {
  const storeHash = `t${randomBytes(4).toString('hex')}`;
  const clients = { 'test-token': { clientId: 'test-client', clientSecret: TEST_CLIENT_SECRET } };
  const sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { storeHash, clients }, oms: { quota: 6000 }, erp: { auth: opts.erpAuth } });
  // More stores: each its own BigCommerce sandbox (its ERP sandbox unused: all stores share the first ERP).
  const extra = await Promise.all(
    Array.from({ length: opts.extraStores ?? 0 }, async (_, i) => {
      const hash = `${storeHash}x${i}`;
      return { hash, sandboxes: await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { storeHash: hash, clients } }) };
    }),
  );
  const stores: Record<string, string> = extra.length
    ? {
        BC_STORES: JSON.stringify([
          { storeHash, accessToken: 'test-token', apiUrl: sandboxes.bcUrl },
          ...extra.map((e) => ({ storeHash: e.hash, accessToken: 'test-token', apiUrl: e.sandboxes.bcUrl, plan: 'pro' })),
        ]),
      }
    : { BC_STORE_HASH: storeHash, BC_ACCESS_TOKEN: 'test-token' };
  // The API's port is chosen first: the webhook-health check needs our destination in the config.
  const apiPort = await freePort();
  const env: Record<string, string> = {
    HOOKS_DESTINATION: `http://127.0.0.1:${apiPort}/webhooks/bigcommerce`,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    TEMPORAL_WORKFLOW_TASK_QUEUE: `bcsync.workflows.${storeHash}`,
    BC_API_URL: sandboxes.bcUrl,
    ...stores,
    ERP_API_URL: sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: 'sandbox-erp-token',
    ERP_TASK_QUEUE: `erp.${storeHash}`,
    OMS_API_URL: sandboxes.omsUrl,
    OMS_API_KEY: 'sandbox-oms-key',
    OMS_API_SECRET: 'sandbox-oms-secret',
    OMS_TASK_QUEUE: `oms.${storeHash}`,
    // The sandbox's own limit is 40 a minute: a test run would wait for it; the sandbox is told the same below.
    OMS_RATE_PER_MINUTE: '6000',
    OMS_WEBHOOK_TOKEN: TEST_OMS_TOKEN,
    OPS_TOKEN: TEST_OPS_TOKEN,
    ERP_WEBHOOK_TOKEN: TEST_ERP_TOKEN,
    ERP_WEBHOOK_SIGNING_SECRET: TEST_ERP_SIGNING_SECRET,
    WEBHOOK_SECRET: TEST_SECRET,
    // The sandbox signs its deliveries with the API client's secret: the receiver enforces them.
    BC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    ...overrides,
  };
  const config = loadConfig(env);
  // The product's own connection builder: payloads encrypted with the test key, as in production.
  const nativeConnection = await connectWorkerConnection(config.temporal);
  const { client, connection } = await connectClient(config.temporal);
  const workers = await startWorkers(config, {
    connection: nativeConnection,
    logger,
    client,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const api = await startApiServer(config, { client, connection, logger, host: '127.0.0.1', port: apiPort });
  for (const store of config.stores)
    await registerHooks(store, config.health.destination!, TEST_SECRET, config.health.exceptionDestination, { inventory: config.inventory.enabled });
  await registerOmsWebhook(config, `${api.url}/webhooks/oms`);
  // The ERP pushes its change events to us, as a SuiteScript or event bus would in production.
  Object.assign(sandboxes.erp.events.settings, { url: `${api.url}/webhooks/erp`, token: config.erp.webhookToken, signingSecret: config.erp.webhookSigningSecret });

  return {
    config,
    env,
    storeHash,
    sandboxes,
    extraStores: extra,
    workers,
    client,
    connection,
    apiUrl: api.url,
    async createOrder(body) {
      const res = await fetch(`${sandboxes.bcUrl}/stores/${storeHash}/v2/orders`, {
        method: 'POST',
        headers: { 'x-auth-token': 'test-token', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { id: number };
      if (!res.ok) throw new Error(`create order: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    async close() {
      await api.close();
      await workers.shutdown();
      await nativeConnection.close();
      await connection.close();
      await sandboxes.close();
      for (const e of extra) await e.sandboxes.close();
    },
  };
}

/** Polls until `fn` returns a value that is not undefined, or fails with the last state seen. */
export async function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
