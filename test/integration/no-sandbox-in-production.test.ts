import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/stack';
import { TEST_PAYLOAD_KEYS, testClient } from '../support/temporal';

/**
 * `bcsync worker` and `bcsync api` never load the sandbox (the test doubles): only the development
 * commands import it, inside the command. Each command runs as built (dist/, what the image runs),
 * with a preloaded hook that lists every module the process has loaded when it gets SIGUSR2; the
 * list is taken once the command is up. `bcsync sandbox` is the control: there the same hook must
 * see the sandbox package, so an empty finding cannot come from a blind hook.
 */
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli/bcsync.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-loaded-'));
const HOOK = path.join(dir, 'list-modules.cjs');
writeFileSync(HOOK, `process.on('SIGUSR2', () => require('node:fs').writeFileSync(process.env.BCSYNC_LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache))));\n`);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A module file of the sandbox package (a path relative to the repository), by its real path or through its node_modules link. */
const isSandboxModule = (rel: string): boolean => rel.startsWith('sandbox/') || rel.includes('node_modules/@bigcommerce-sync/sandbox/') || rel.startsWith('dist/sandbox/');

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Runs `bcsync <args>` until its output shows `ready`, then answers the modules it has loaded (paths relative to the repository). */
async function modulesLoadedBy(args: string[], env: Record<string, string>, ready: string): Promise<string[]> {
  expect(existsSync(CLI), `${CLI} is missing: npm test builds it first (npm run build)`).toBe(true);
  const out = path.join(dir, `${args[0]}-${randomBytes(3).toString('hex')}.json`);
  child = spawn(process.execPath, ['--require', HOOK, CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), LOG_LEVEL: 'info', BCSYNC_LOADED_MODULES_FILE: out, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const c = child;
  await eventually(
    () => {
      if (c.exitCode !== null) throw new Error(`bcsync ${args[0]} exited with ${c.exitCode}: ${output.slice(-2000)}`);
      return output.includes(ready) ? true : undefined;
    },
    `bcsync ${args[0]} to log "${ready}"`,
    120_000,
  );
  c.kill('SIGUSR2');
  const files = await eventually(() => (existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as string[]) : undefined), 'the loaded-module list');
  return files.map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
}

describe('the production commands load no sandbox module', () => {
  const storeHash = `ns${randomBytes(4).toString('hex')}`;
  const production = async (): Promise<Record<string, string>> => ({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    BC_API_URL: 'http://127.0.0.1:9',
    BC_STORE_HASH: storeHash,
    BC_ACCESS_TOKEN: 'test-token',
    TEMPORAL_WORKFLOW_TASK_QUEUE: `bcsync.workflows.${storeHash}`,
    ERP_API_URL: 'http://127.0.0.1:9',
    ERP_ACCESS_TOKEN: 'test-erp-token',
    ERP_TASK_QUEUE: `erp.${storeHash}`,
    OMS_API_URL: 'http://127.0.0.1:9',
    OMS_API_KEY: 'test-oms-key',
    OMS_API_SECRET: 'test-oms-secret',
    OMS_TASK_QUEUE: `oms.${storeHash}`,
    OMS_WEBHOOK_TOKEN: 'test-oms-token-0123456789',
    ERP_WEBHOOK_TOKEN: 'test-erp-token-0123456789',
    OPS_TOKEN: 'test-ops-token-0123456789',
    WEBHOOK_SECRET: 'test-webhook-secret-0123456789',
    API_HOST: '127.0.0.1',
    API_PORT: String(await freePort()),
  });

  // The worker makes its schedules on the shared test server (the store's and the one alert
  // monitor): they are removed afterwards, so later tests find the namespace as it was.
  let alertMonitorExisted = true;
  const withClient = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
    const { client, close } = await testClient();
    try {
      return await fn(client);
    } finally {
      await close();
    }
  };
  beforeAll(async () => {
    alertMonitorExisted = await withClient(async (client) => {
      for await (const schedule of client.schedule.list()) if (schedule.scheduleId === 'bcsync-alert-monitor') return true;
      return false;
    });
  });
  afterAll(async () => {
    await withClient(async (client) => {
      for await (const schedule of client.schedule.list()) {
        const ours = schedule.scheduleId.endsWith(`-${storeHash}`) || (!alertMonitorExisted && schedule.scheduleId === 'bcsync-alert-monitor');
        if (ours) await client.schedule.getHandle(schedule.scheduleId).delete();
      }
    });
  });

  it('`bcsync worker`, once its workers run', async () => {
    const loaded = await modulesLoadedBy(['worker'], await production(), 'workers running');
    expect(loaded, 'the worker was loaded (the hook saw it)').toContain('dist/workers/start-workers.js');
    expect(loaded.filter(isSandboxModule)).toEqual([]);
  }, 180_000);

  it('`bcsync api`, once it listens', async () => {
    const loaded = await modulesLoadedBy(['api'], await production(), 'API listening');
    expect(loaded, 'the API was loaded (the hook saw it)').toContain('dist/api/server.js');
    expect(loaded.filter(isSandboxModule)).toEqual([]);
  }, 180_000);

  it('while `bcsync sandbox` does load it (the hook sees sandbox modules)', async () => {
    const loaded = await modulesLoadedBy(['sandbox', '--bc-port', '0', '--erp-port', '0', '--oms-port', '0'], {}, 'sandboxes listening');
    expect(loaded.filter(isSandboxModule)).toContain('sandbox/dist/start-sandboxes.js');
  }, 180_000);
});
