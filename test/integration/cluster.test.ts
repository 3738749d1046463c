import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { binDir, cachedServerBinary, findGo } from '../../cli/cluster/binaries';
import { clusterSettings, MAX_MEMBERSHIP_PORT, servicePorts } from '../../cli/cluster/layout';
import { findPostgres } from '../../cli/cluster/postgres';
import { serverEnv } from '../../cli/cluster/temporal-server';
import { settledServerActions } from '../../cli/rehearse/witness';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { eventually, startStack } from '../support/stack';
import { testClient } from '../support/temporal';

/**
 * `bcsync cluster up|down|status`: Temporal on PostgreSQL on this machine, no Docker. The server and
 * its SQL tool are built from the Go module proxy the first time (minutes) and cached by version in
 * ~/.cache/bcsync-cluster/bin (BCSYNC_CLUSTER_BIN_DIR), so later runs start it in seconds. Skipped,
 * loudly, where no build is cached and BCSYNC_CLUSTER_BUILD=1 does not ask for one (a fresh CI
 * machine: docs/testing.md), or where PostgreSQL cannot be had.
 */
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli/bcsync.js');
const DYNAMIC_CONFIG = path.join(ROOT, 'deploy/temporal/dynamicconfig.yaml');

const bins = binDir();
// A cold build of the server takes 5 to 13 minutes of these 2 cores, which CI's 20-minute budget
// cannot carry on a fresh machine: without a cached build, the test runs only when asked to build.
const cached = cachedServerBinary(bins) !== undefined;
const mayBuild = process.env.BCSYNC_CLUSTER_BUILD === '1' && findGo() !== undefined;
const havePostgres = findPostgres() !== undefined || (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get'));
const missing = [
  cached || mayBuild ? '' : `cached Temporal build in ${bins} (run \`bcsync cluster up\` once, or BCSYNC_CLUSTER_BUILD=1 to build it in the test)`,
  havePostgres ? '' : 'PostgreSQL (and no apt-get as root to install it)',
].filter(Boolean);
if (missing.length > 0) console.warn(`\n*** bcsync cluster tests SKIPPED: no ${missing.join(', no ')} on this machine ***\n`);

function cli(args: string[], timeoutMs = 60_000) {
  const run = spawnSync(process.execPath, [CLI, 'cluster', ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, LOG_LEVEL: 'warn' } });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Ten free ports in a row: the server's eight, its metrics, the UI; PostgreSQL's apart. */
async function portBlock(): Promise<{ port: number; metricsPort: number; uiPort: number; pgPort: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below 32767 - 7: the membership ports are SMALLINT in Temporal's schema (MAX_MEMBERSHIP_PORT).
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const pgPort = base + 100;
    const all = [...Array.from({ length: 10 }, (_, i) => base + i), pgPort];
    if ((await Promise.all(all.map(free))).every(Boolean)) return { port: base, metricsPort: base + 8, uiPort: base + 9, pgPort };
  }
  throw new Error('no free block of ports');
}

const portOpen = (port: number) => free(port).then((f) => !f);
/** Alive and not a zombie (a container's init may not reap the postmaster's). */
function running(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
const pidsOf = (status: string) => [...status.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));

describe('deploy/temporal/dynamicconfig.yaml: one file for bcsync cluster and docker-compose.yml', () => {
  it('holds what the BigCommerce queues need, and both the cluster and the compose file use it', () => {
    const dc = parse(readFileSync(DYNAMIC_CONFIG, 'utf8')) as Record<string, Array<{ value: unknown; constraints: object }>>;
    expect(dc['matching.numTaskqueueReadPartitions']?.[0]?.value).toBe(1);
    expect(dc['matching.numTaskqueueWritePartitions']?.[0]?.value).toBe(1);
    expect(dc['limit.maxIDLength']?.[0]?.value).toBe(255);
    expect(Number(dc['frontend.namespaceRPS']?.[0]?.value)).toBeGreaterThanOrEqual(10_000);
    // The dev-only bypass Temporal says never to turn on in production is not in it.
    expect(dc['system.forceSearchAttributesCacheRefreshOnRead']).toBeUndefined();

    const settings = clusterSettings.parse({ port: 7333, pgPort: 55432, metricsPort: 7341, uiPort: 8333, shards: 4, namespace: 'default', retentionDays: 3 });
    expect(serverEnv(settings, 'pw', path.join(ROOT, 'deploy/temporal')).DYNAMIC_CONFIG_FILE_PATH).toBe(DYNAMIC_CONFIG);
    // A frontend port whose membership ports pass 32767 is refused before anything starts (the schema's SMALLINT).
    expect(clusterSettings.safeParse({ ...settings, port: MAX_MEMBERSHIP_PORT - 7 }).success).toBe(true);
    const high = clusterSettings.safeParse({ ...settings, port: 40_989 });
    expect(high.success).toBe(false);
    expect(high.error?.issues[0]?.message).toContain('SMALLINT');

    const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: { temporal: { environment: Record<string, string>; volumes: string[]; command?: string[] } };
    };
    const temporal = compose.services.temporal;
    const target = temporal.environment.DYNAMIC_CONFIG_FILE_PATH;
    expect(temporal.volumes).toContain(`./deploy/temporal/dynamicconfig.yaml:${target}:ro`);
    expect(JSON.stringify(temporal.command ?? [])).not.toContain('numTaskqueue'); // no inline copy left to drift
  });
});

describe.skipIf(missing.length > 0)('bcsync cluster: Temporal on PostgreSQL, no Docker', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bcsync-cluster-'));
  let ports: Awaited<ReturnType<typeof portBlock>>;
  let address = '';
  let workflowId = '';
  const flags = () => [
    '--data-dir',
    dataDir,
    '--port',
    String(ports.port),
    '--pg-port',
    String(ports.pgPort),
    '--metrics-port',
    String(ports.metricsPort),
    '--ui-port',
    String(ports.uiPort),
  ];

  afterAll(() => {
    if (existsSync(dataDir)) cli(['down', '--purge', '--data-dir', dataDir], 120_000);
  });

  it(
    'up sets up PostgreSQL, the schema, the server, the namespace and the Web UI, and prints TEMPORAL_ADDRESS',
    async () => {
      expect(existsSync(CLI), `${CLI} is missing: npm test builds it first (npm run build)`).toBe(true);
      ports = await portBlock();
      const started = Date.now();
      // Cold: builds the server (minutes, once per machine and version); warm: seconds.
      const up = cli(['up', ...flags()], 45 * 60_000);
      console.log(`[cluster] first up in ${Math.round((Date.now() - started) / 1000)} s\n${up.err}${up.out}`);
      expect(up.status, up.err).toBe(0);
      address = /^TEMPORAL_ADDRESS=(\S+)$/m.exec(up.out)?.[1] ?? '';
      expect(address).toBe(`127.0.0.1:${ports.port}`);
      expect(up.out).toMatch(/^postgresql\s+running/m);
      expect(up.out).toMatch(/^temporal\s+running/m);
      expect(up.out).toMatch(/^web-ui\s+running/m);

      // The database password is generated and kept to its owner; PostgreSQL runs unprivileged.
      const passwordFile = path.join(dataDir, 'postgres-password');
      expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(passwordFile, 'utf8').trim().length).toBeGreaterThanOrEqual(24);
      if (process.getuid?.() === 0) expect(statSync(path.join(dataDir, 'pg')).uid).not.toBe(0);
      // Everything listens on loopback: nothing answers on this machine's other addresses.
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (external) {
        for (const port of [ports.port, ports.pgPort, ports.uiPort]) {
          const reachable = await new Promise<boolean>((resolve) => {
            const s = createServer();
            s.once('error', () => resolve(true));
            s.listen(port, external, () => s.close(() => resolve(false)));
          });
          expect(reachable, `port ${port} is bound on ${external}`).toBe(false);
        }
      }
    },
    50 * 60_000,
  );

  it('an order syncs through it (encrypted, found by its search attributes) and the server counts its actions', async () => {
    const before = await settledServerActions(ports.metricsPort, 'default');
    const stack = await startStack({ TEMPORAL_ADDRESS: address });
    try {
      const order = await stack.createOrder(demoOrderBody(1));
      const externalId = `bc-${stack.storeHash}-${order.id}`;
      await eventually(async () => {
        const res = await fetch(`${stack.sandboxes.erpUrl}/services/rest/record/v1/salesOrder/eid:${externalId}`, { headers: { authorization: 'Bearer sandbox-erp-token' } });
        return res.status === 200 ? true : undefined;
      }, `ERP sales order ${externalId} written through the cluster`);
      // Visibility on PostgreSQL: the run is found by the project's search attributes.
      workflowId = await eventually(async () => {
        for await (const w of stack.client.workflow.list({ query: `BcStoreHash = "${stack.storeHash}" AND BcOrderId = ${order.id}` })) return w.workflowId;
        return undefined;
      }, 'the order workflow in visibility');
    } finally {
      await stack.close();
    }
    // Read until settled: the server publishes its counters once a second.
    const after = await settledServerActions(ports.metricsPort, 'default');
    expect(after.total).toBeGreaterThan(before.total);
  });

  it("the dynamic config passes the server's own validation (temporal-server validate-dynamic-config)", () => {
    const run = spawnSync(cachedServerBinary(bins)!, ['validate-dynamic-config', DYNAMIC_CONFIG], { encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/error|warning/);
  });

  it('the Web UI answers and reads the namespace from the server', async () => {
    const res = await fetch(`http://127.0.0.1:${ports.uiPort}/api/v1/namespaces/default`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('"name":"default"');
  });

  it('a second up reuses everything (same processes, seconds); status says what runs where', () => {
    const before = cli(['status', '--data-dir', dataDir]);
    expect(before.status).toBe(0);
    const started = Date.now();
    const again = cli(['up', ...flags()]);
    const seconds = (Date.now() - started) / 1000;
    console.log(`[cluster] up again (all running) in ${seconds.toFixed(1)} s; ${/rss \d+ MB/.exec(again.out)?.[0] ?? ''}`);
    expect(again.status, again.err).toBe(0);
    expect(pidsOf(again.out)).toEqual(pidsOf(before.out));
    expect(seconds).toBeLessThan(30);
    // Changing a port under a running cluster is refused, not half-applied.
    const moved = cli(['up', ...flags().slice(0, 2), '--port', String(ports.port + 1000)]);
    expect(moved.status).toBe(2);
    expect(moved.err).toMatch(/down` first/);
  });

  it(
    'down stops every process; up again brings the same data back; down --purge removes it',
    async () => {
      const status = cli(['status', '--data-dir', dataDir]).out;
      const pids = pidsOf(status);
      expect(pids.length).toBe(3);
      const down = cli(['down', '--data-dir', dataDir], 120_000);
      expect(down.status, down.err).toBe(0);
      for (const pid of pids) expect(running(pid), `pid ${pid} still runs`).toBe(false);
      for (const port of [...Object.values(servicePorts(ports.port)), ports.pgPort, ports.uiPort, ports.metricsPort]) expect(await portOpen(port), `port ${port}`).toBe(false);
      expect(cli(['status', '--data-dir', dataDir]).status).toBe(3);

      const started = Date.now();
      const up = cli(['up', ...flags()], 300_000);
      console.log(`[cluster] up from stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(up.status, up.err).toBe(0);
      // The workflow of the order above is still there: the history lives in PostgreSQL.
      const { client, close } = await testClient({ TEMPORAL_ADDRESS: address });
      try {
        expect((await client.workflow.getHandle(workflowId).describe()).workflowId).toBe(workflowId);
      } finally {
        await close();
      }

      const purge = cli(['down', '--purge', '--data-dir', dataDir], 120_000);
      expect(purge.status, purge.err).toBe(0);
      expect(existsSync(dataDir)).toBe(false);
    },
    10 * 60_000,
  );
});
