import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { dockerEngine, localImages, parseEnvFile, ROOT } from '../support/local-images';

/**
 * The compose smoke test: `npm run test:compose` (not part of `npm test`: it needs the app image,
 * minutes to build). `docker-compose up` of docker-compose.yml with the sandbox override
 * (docker-compose.sandbox.env), on the images deploy/local-images/build.sh built, with every
 * published port moved to a free one: PostgreSQL, Temporal's schema and namespace one-shots, the
 * server, the Web UI, the codec server, the sandboxes, the worker, the API and the hook registration.
 * Orders are placed in the BigCommerce sandbox and must reach the ERP and the OMS sandboxes (read from
 * their own records over HTTP), one shipment must come back to BigCommerce; then `down -v`.
 */
const SANDBOX_ENV = 'docker-compose.sandbox.env';
const ORDERS = Number(process.env.COMPOSE_SMOKE_ORDERS ?? 5);
const project = `bcsync-smoke-${randomBytes(3).toString('hex')}`;
const sandboxEnv = parseEnvFile(readFileSync(path.join(ROOT, SANDBOX_ENV), 'utf8'));

function free(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** Free ports for compose's published ones (below 32768, away from the ephemeral range). */
async function freePorts(names: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const taken = new Set<number>();
  for (const name of names) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 200) throw new Error('no free port');
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      if (taken.has(port) || !(await free(port, '0.0.0.0')) || !(await free(port, '127.0.0.1'))) continue;
      taken.add(port);
      out[name] = port;
      break;
    }
  }
  return out;
}

let env: Record<string, string> = {};
function compose(args: string[], timeoutMs = 120_000) {
  const run = spawnSync('docker-compose', ['-p', project, '--env-file', SANDBOX_ENV, ...args], { cwd: ROOT, encoding: 'utf8', env, timeout: timeoutMs });
  return { status: run.status, out: run.stdout ?? '', err: `${run.stderr ?? ''}${run.error ? String(run.error) : ''}` };
}

async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
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
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

type Json = Record<string, unknown>;

describe('docker-compose up: the whole stack on the local images, orders synced end to end', () => {
  let ports: Record<string, number> = {};
  const started = Date.now();
  let upSeconds = 0;
  // The services' logs are printed when anything failed.
  let failed = true;
  const url = (name: string) => `http://127.0.0.1:${ports[name]}`;
  const omsAuth = `Basic ${Buffer.from(`${sandboxEnv.OMS_API_KEY}:${sandboxEnv.OMS_API_SECRET}`).toString('base64')}`;
  const storeHash = sandboxEnv.BC_STORE_HASH!;

  beforeAll(async () => {
    const engine = dockerEngine();
    if (!engine.present) throw new Error(`no Docker engine (${engine.why}): the compose smoke test needs one`);
    const images = localImages();
    const inspect = spawnSync('docker', ['image', 'inspect', images.app, images.postgres, images.temporalServer, images.adminTools, images.ui], { encoding: 'utf8' });
    expect(inspect.status, `${inspect.stderr}: build them with deploy/local-images/build.sh`).toBe(0);
    ports = await freePorts([
      'API_PUBLISHED_PORT',
      'TEMPORAL_PUBLISHED_PORT',
      'TEMPORAL_UI_PUBLISHED_PORT',
      'CODEC_PUBLISHED_PORT',
      'SANDBOX_BC_PUBLISHED_PORT',
      'SANDBOX_ERP_PUBLISHED_PORT',
      'SANDBOX_OMS_PUBLISHED_PORT',
    ]);
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      ...images.variables,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      TEMPORAL_CORS_ORIGINS: `http://localhost:${ports.TEMPORAL_UI_PUBLISHED_PORT}`,
    };
    // --no-build: the images are the ones just checked (compose would otherwise build without --network host).
    const up = compose(['up', '-d', '--no-build'], 10 * 60_000);
    upSeconds = (Date.now() - started) / 1000;
    console.log(`[compose-smoke] ${project}: up in ${upSeconds.toFixed(1)} s`);
    expect(up.status, `${up.err}\n${up.out}`).toBe(0);
    failed = false;
  }, 12 * 60_000);

  afterAll(() => {
    if (failed) console.log(`[compose-smoke] logs:\n${compose(['logs', '--no-color', '--tail', '40']).out}`);
    const down = compose(['down', '-v', '--remove-orphans'], 180_000);
    if (down.status !== 0) console.error(`[compose-smoke] down -v failed: ${down.err}`);
    const left = spawnSync('docker', ['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`], { encoding: 'utf8' }).stdout.trim();
    if (left) console.error(`[compose-smoke] containers left behind: ${left}`);
  }, 240_000);

  it('every service runs: the one-shots exited 0, the long-running ones are up (healthy where checked)', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const state = (service: string) => {
      const id = compose(['ps', '-q', service]).out.trim();
      if (!id) return 'absent';
      const s = spawnSync('docker', ['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', id], { encoding: 'utf8' });
      return s.stdout.trim();
    };
    for (const oneShot of ['temporal-schema', 'temporal-create-namespace']) expect(state(oneShot), oneShot).toBe('exited 0');
    // register-hooks waits for the API's health, then registers the store's and the OMS's hooks.
    await eventually(async () => (state('register-hooks') === 'exited 0' ? true : undefined), 'register-hooks to finish', 120_000);
    for (const service of ['postgresql', 'temporal', 'api', 'sandbox']) expect(state(service), service).toBe('running 0 healthy');
    for (const service of ['temporal-ui', 'codec-server', 'worker']) expect(state(service), service).toMatch(/^running 0/);
  });

  it('the Web UI reads the namespace from the server, the API is ready (Temporal reachable), and the API alone is on every interface', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const ns = await eventually(
      async () => {
        const res = await fetch(`${url('TEMPORAL_UI_PUBLISHED_PORT')}/api/v1/namespaces/default`);
        return res.ok ? ((await res.json()) as { namespaceInfo?: { name?: string } }) : undefined;
      },
      'the Web UI',
      60_000,
    );
    expect(ns.namespaceInfo?.name).toBe('default');
    const ready = await eventually(
      async () => {
        const res = await fetch(`${url('API_PUBLISHED_PORT')}/readyz`, { headers: { authorization: `Bearer ${sandboxEnv.METRICS_TOKEN}` } });
        return res.ok ? ((await res.json()) as Json) : undefined;
      },
      'the API ready',
      60_000,
    );
    expect(ready).toEqual({ status: 'ready', temporal: 'ok' });
    const ps = compose(['ps']).out;
    expect(ps).toContain(`0.0.0.0:${ports.API_PUBLISHED_PORT}->3000/tcp`);
    for (const name of ['TEMPORAL_PUBLISHED_PORT', 'TEMPORAL_UI_PUBLISHED_PORT', 'CODEC_PUBLISHED_PORT', 'SANDBOX_BC_PUBLISHED_PORT']) {
      expect(ps).toContain(`127.0.0.1:${ports[name]}->`);
      expect(ps).not.toContain(`0.0.0.0:${ports[name]}->`);
    }
  });

  it(
    `${ORDERS} orders placed in the BigCommerce sandbox reach the ERP and the OMS, and a shipment comes back`,
    async () => {
      onTestFailed(() => {
        failed = true;
      });
      const t0 = Date.now();
      const ids: number[] = [];
      for (let i = 0; i < ORDERS; i++) {
        const res = await fetch(`${url('SANDBOX_BC_PUBLISHED_PORT')}/stores/${storeHash}/v2/orders`, {
          method: 'POST',
          headers: { 'x-auth-token': sandboxEnv.BC_ACCESS_TOKEN!, 'content-type': 'application/json' },
          body: JSON.stringify(demoOrderBody(i)),
        });
        const body = (await res.json()) as { id?: number };
        expect(res.ok, `${res.status} ${JSON.stringify(body)}`).toBe(true);
        expect(typeof body.id).toBe('number');
        ids.push(body.id!);
      }
      const externalId = (id: number) => `bc-${storeHash}-${id}`;
      // The ERP's own record of each: its sales order by external id, carrying the BigCommerce order number.
      const erp = await eventually(
        async () => {
          const found = await Promise.all(
            ids.map(async (id) => {
              const res = await fetch(`${url('SANDBOX_ERP_PUBLISHED_PORT')}/services/rest/record/v1/salesOrder/eid:${externalId(id)}`, {
                // docker-compose.sandbox.yml's ERP_ACCESS_TOKEN (the sandbox's fixed bearer token).
                headers: { authorization: 'Bearer sandbox-erp-token' },
              });
              return res.status === 200 ? ((await res.json()) as { otherRefNum?: string }) : undefined;
            }),
          );
          return found.every(Boolean) ? found : undefined;
        },
        `${ORDERS} ERP sales orders`,
        180_000,
      );
      expect(erp.map((so) => so?.otherRefNum)).toEqual(ids.map(String));
      // The OMS's own list: each order once, awaiting shipment (they were placed paid).
      const oms = await eventually(
        async () => {
          const res = await fetch(`${url('SANDBOX_OMS_PUBLISHED_PORT')}/orders?pageSize=500`, { headers: { authorization: omsAuth } });
          const orders = ((await res.json()) as { orders: Array<{ orderKey: string; orderStatus: string }> }).orders;
          const ours = orders.filter((o) => ids.some((id) => o.orderKey === externalId(id)));
          return ours.length === ids.length ? ours : undefined;
        },
        `${ORDERS} OMS orders`,
        180_000,
      );
      expect(new Set(oms.map((o) => o.orderKey)).size).toBe(ORDERS);
      expect(oms.every((o) => o.orderStatus === 'awaiting_shipment')).toBe(true);
      const syncedSeconds = (Date.now() - t0) / 1000;

      // The way back: the OMS ships one, its SHIP_NOTIFY reaches the API, the shipment lands in BigCommerce.
      const shipped = await fetch(`${url('SANDBOX_OMS_PUBLISHED_PORT')}/__sandbox/orders/${externalId(ids[0]!)}/ship`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ trackingNumber: '1Z999AA10123456784', carrierCode: 'ups' }),
      });
      expect(shipped.status).toBe(201);
      const shipments = await eventually(
        async () => {
          const res = await fetch(`${url('SANDBOX_BC_PUBLISHED_PORT')}/stores/${storeHash}/v2/orders/${ids[0]}/shipments`, {
            headers: { 'x-auth-token': sandboxEnv.BC_ACCESS_TOKEN! },
          });
          const list = res.status === 200 ? ((await res.json()) as Array<{ tracking_number?: string }>) : [];
          return list.length ? list : undefined;
        },
        'the shipment back in BigCommerce',
        180_000,
      );
      expect(shipments[0]?.tracking_number).toBe('1Z999AA10123456784');
      console.log(
        `compose-smoke: services=up orders=${ORDERS} erp=${erp.length} oms=${oms.length} shipped_back=1 up_s=${upSeconds.toFixed(1)} synced_s=${syncedSeconds.toFixed(1)} total_s=${((Date.now() - started) / 1000).toFixed(1)}`,
      );
    },
    10 * 60_000,
  );
});
