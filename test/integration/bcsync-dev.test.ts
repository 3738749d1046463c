import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allSettings } from '../../config/env';
import { DELIVERY_EXCEPTION_SCOPE, INVENTORY_SCOPES, ORDER_SCOPES } from '../../domain/monitoring/required-hooks';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { eventually } from '../support/stack';
import { testClient } from '../support/temporal';

const CLI = path.resolve(__dirname, '../../dist/cli/bcsync.js');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return undefined;
  }
}

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
});

describe('`bcsync dev` (what `npm start` runs)', () => {
  it('brings up the Web UI, the API and both sandboxes within 60 s, syncs an order, and Ctrl-C stops every child', async () => {
    expect(existsSync(CLI), `${CLI} is missing: npm test builds it first (npm run build)`).toBe(true);
    const [temporalPort, uiPort, apiPort, bcPort, erpPort, omsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-dev-'));
    const started = Date.now();
    // Its own process group, so the SIGINT below reaches the whole tree as a terminal's Ctrl-C does.
    child = spawn(
      process.execPath,
      [
        CLI,
        'dev',
        '--data-dir',
        dataDir,
        '--temporal-port',
        `${temporalPort}`,
        '--ui-port',
        `${uiPort}`,
        '--bc-port',
        `${bcPort}`,
        '--erp-port',
        `${erpPort}`,
        '--oms-port',
        `${omsPort}`,
      ],
      {
        env: { ...process.env, API_PORT: `${apiPort}`, TEMPORAL_ADDRESS: '', LOG_LEVEL: 'warn' },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    await eventually(() => (output.includes('bcsync dev is up') ? true : undefined), `"bcsync dev is up" (output so far:\n${output})`, 60_000);
    const upSeconds = (Date.now() - started) / 1000;
    expect(upSeconds).toBeLessThan(60);
    console.log(`[bcsync dev] up in ${upSeconds.toFixed(1)} s`);

    expect(await answers(`http://127.0.0.1:${uiPort}/`)).toBe(200);
    expect(await answers(`http://127.0.0.1:${apiPort}/healthz`)).toBe(200);
    expect(await answers(`http://127.0.0.1:${apiPort}/readyz`)).toBe(200);
    const summary = (await (await fetch(`http://127.0.0.1:${bcPort}/__sandbox/summary`)).json()) as { hooks: Array<{ scope: string; destination: string; isActive: boolean }> };
    expect(summary.hooks.map((h: { scope?: string }) => h.scope).sort()).toEqual([...ORDER_SCOPES, ...INVENTORY_SCOPES, DELIVERY_EXCEPTION_SCOPE].sort());
    for (const hook of summary.hooks) {
      const path = hook.scope === DELIVERY_EXCEPTION_SCOPE ? '/webhooks/bigcommerce/exceptions' : '/webhooks/bigcommerce';
      expect(hook).toMatchObject({ destination: `http://127.0.0.1:${apiPort}${path}`, isActive: true });
    }
    // The schedules, on the Web UI's Schedules page.
    // Through the connection builder (schedule ids and types are not encrypted: the test key serves).
    const { client, close } = await testClient({ TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}` });
    try {
      const ids: string[] = [];
      for await (const sc of client.schedule.list()) ids.push(sc.scheduleId);
      expect(ids.sort()).toEqual([
        'bcsync-alert-monitor',
        'bcsync-catalog-sandbox',
        'bcsync-erp-refund-sweep-sandbox',
        'bcsync-inventory-sweep-sandbox',
        'bcsync-reconcile-sandbox',
        'bcsync-webhook-health-sandbox',
      ]);
    } finally {
      await close();
    }
    const omsHooks = (await (
      await fetch(`http://127.0.0.1:${omsPort}/webhooks`, { headers: { authorization: `Basic ${Buffer.from('sandbox-oms-key:sandbox-oms-secret').toString('base64')}` } })
    ).json()) as { webhooks: Array<{ HookType: string; Url: string }> };
    expect(omsHooks.webhooks).toEqual([expect.objectContaining({ HookType: 'SHIP_NOTIFY', Url: expect.stringContaining(`http://127.0.0.1:${apiPort}/webhooks/oms?token=`) })]);

    const res = await fetch(`http://127.0.0.1:${bcPort}/stores/sandbox/v2/orders`, {
      method: 'POST',
      headers: { 'x-auth-token': 'sandbox-token', 'content-type': 'application/json' },
      body: JSON.stringify(demoOrderBody(0)),
    });
    const { id } = (await res.json()) as { id: number };
    // Read through the sandbox's control port: the ERP runs NetSuite's M2M auth, so the product's
    // requests carried tokens it got with the key pair `bcsync dev` made (the fixed token is refused).
    const erpSummary = async () => (await (await fetch(`http://127.0.0.1:${erpPort}/__sandbox/summary`)).json()) as ErpSummary;
    await eventually(async () => ((await erpSummary()).salesOrderWrites[`bc-sandbox-${id}`] ? true : undefined), 'the order in the ERP sandbox');
    const { auth } = await erpSummary();
    if (allSettings.some((s) => s.env === 'NETSUITE_AUTH')) {
      expect(auth.mode).toBe('m2m');
      expect(auth.stats.tokensIssued).toBeGreaterThanOrEqual(1);
      expect(await answersWithAuth(`http://127.0.0.1:${erpPort}/services/rest/record/v1/salesOrder/eid:bc-sandbox-${id}`)).toBe(401);
    } else {
      expect(auth.mode).toBe('bearer'); // until the product's configuration knows NETSUITE_AUTH
    }

    process.kill(-child.pid!, 'SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    expect(code).toBe(0);
    await eventually(() => (groupAlive(child!.pid!) ? undefined : true), 'every process of the group to exit', 10_000);
    for (const port of [temporalPort, uiPort, apiPort, bcPort, erpPort, omsPort]) expect(await answers(`http://127.0.0.1:${port}/`)).toBeUndefined();
  }, 120_000);
});

interface ErpSummary {
  salesOrderWrites: Record<string, number>;
  auth: { mode: string; stats: { tokensIssued: number } };
}

async function answersWithAuth(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url, { headers: { authorization: 'Bearer sandbox-erp-token' } })).status;
  } catch {
    return undefined;
  }
}
