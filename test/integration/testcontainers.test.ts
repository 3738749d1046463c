import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { temporalSettings } from '../../config/temporal';
import { createLogger } from '../../lib/logger';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { ensureSearchAttributes } from '../../workers/search-attributes';
import { connectClient } from '../../workers/temporal-connection';
import { composeScript, dockerEngine, localImages, ROOT } from '../support/local-images';
import { eventually, startStack } from '../support/stack';

/**
 * PostgreSQL and Temporal in containers started by testcontainers, from the images docker-compose.yml
 * runs (deploy/local-images/build.sh builds them here: no registry is reachable), set up by compose's
 * own one-shot scripts (schema, namespace), and an order synced through the product against them.
 *
 * Where a Docker engine is present, a container that cannot start fails this file (the images
 * missing included: build them). Only a machine with no engine at all skips it, loudly.
 * Testcontainers' reaper (Ryuk) is off: its image cannot be pulled here; afterAll removes every
 * container and the network this file made.
 */
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const engine = dockerEngine();
if (!engine.present) console.warn(`\n*** testcontainers test SKIPPED: no Docker engine on this machine (${engine.why}) ***\n`);

interface ComposeFile {
  'x-temporal-db-env': Record<string, string>;
  services: Record<string, { entrypoint?: string[]; command?: string[]; healthcheck?: { test: string[] }; environment?: Record<string, string> }>;
}
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
/** The one script of a compose service whose entrypoint is `/bin/sh -c`. */
function script(service: string): string {
  const s = compose.services[service];
  expect(s?.entrypoint, service).toEqual(['/bin/sh', '-c']);
  expect(s?.command?.length, service).toBe(1);
  return composeScript(s!.command![0]!);
}

describe.skipIf(!engine.present)('testcontainers: PostgreSQL and Temporal from the local images, an order synced through them', async () => {
  // Imported here: a machine without an engine never loads the library.
  const { GenericContainer, Network, Wait } = await import('testcontainers');
  type Started = Awaited<ReturnType<InstanceType<typeof GenericContainer>['start']>>;
  const started: Started[] = [];
  let network: Awaited<ReturnType<InstanceType<typeof Network>['start']>> | undefined;
  const password = randomBytes(18).toString('base64url');
  // compose's database settings, the password ours.
  const dbEnv = Object.fromEntries(Object.entries(compose['x-temporal-db-env']).map(([k, v]) => [k, String(v).includes('${') ? password : String(v)]));
  let temporal: Started | undefined;
  const address = () => `127.0.0.1:${temporal!.getMappedPort(7233)}`;
  // Local images are never pulled (no registry is reachable): a missing one fails at once.
  const neverPull = { shouldPull: () => false };
  // Each container's output, kept for the failure message (a container that fails to start is removed).
  const logs: Record<string, string> = {};
  const capture = (name: string) => (stream: NodeJS.ReadableStream) => {
    logs[name] = '';
    stream.on('data', (d: Buffer | string) => {
      logs[name] += d.toString();
    });
  };

  afterAll(async () => {
    for (const c of started.reverse()) await c.stop({ remove: true, removeVolumes: true }).catch((err: unknown) => console.error(`[testcontainers] stop: ${String(err)}`));
    await network?.stop();
  }, 120_000);

  /** Resolves once the frontend answers and its system namespace exists (the server has bootstrapped). */
  async function serving(timeoutMs: number) {
    const settings = temporalSettings.parse({ TEMPORAL_ADDRESS: address(), TEMPORAL_PAYLOAD_ENCRYPTION: 'false' });
    if (!settings.ok) throw new Error(settings.issues.join('; '));
    const config = settings.value;
    await eventually(
      async () => {
        const { connection, close } = await connectClient(config, { connectTimeoutMs: 3_000 });
        try {
          await connection.workflowService.describeNamespace({ namespace: 'temporal-system' });
          return true;
        } finally {
          await close();
        }
      },
      `Temporal serving on ${address()}`,
      timeoutMs,
    );
    return config;
  }

  it(
    "starts PostgreSQL, sets up the schema with compose's one-shot, starts Temporal, creates the namespace",
    async () => {
      const images = localImages();
      const t0 = Date.now();
      try {
        await startAll(images);
      } catch (err) {
        if (/no such image/i.test(String(err))) throw new Error(`${String(err)}: build the local images with deploy/local-images/build.sh`);
        const output = Object.entries(logs).map(([name, text]) => `--- ${name}:\n${text.trim().split('\n').slice(-15).join('\n')}`);
        throw new Error(`${String(err)}\n${output.join('\n')}`);
      }
      console.log(`[testcontainers] PostgreSQL, schema, Temporal and namespace in ${((Date.now() - t0) / 1000).toFixed(1)} s (${images.postgres}, ${images.temporalServer})`);
    },
    6 * 60_000,
  );

  async function startAll(images: ReturnType<typeof localImages>) {
    network = await new Network().start();
    const pgHealth = compose.services.postgresql?.healthcheck?.test;
    expect(pgHealth?.[0]).toBe('CMD-SHELL');
    const postgres = await new GenericContainer(images.postgres)
      .withNetwork(network)
      .withPullPolicy(neverPull)
      .withNetworkAliases('postgresql')
      .withLogConsumer(capture('postgresql'))
      .withEnvironment({ POSTGRES_USER: dbEnv.POSTGRES_USER!, POSTGRES_PASSWORD: password })
      // compose's own healthcheck (pg_isready).
      .withHealthCheck({ test: pgHealth as ['CMD-SHELL', string], interval: 1_000, timeout: 5_000, retries: 60, startPeriod: 1_000 })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(120_000)
      .start();
    started.push(postgres);

    const schema = await new GenericContainer(images.adminTools)
      .withNetwork(network)
      .withPullPolicy(neverPull)
      .withEnvironment(dbEnv)
      .withLogConsumer(capture('temporal-schema'))
      .withEntrypoint(['/bin/sh', '-c'])
      .withCommand([script('temporal-schema')])
      .withWaitStrategy(Wait.forOneShotStartup())
      .withStartupTimeout(180_000)
      .start();
    started.push(schema);
    await eventually(() => (logs['temporal-schema']?.includes('Temporal schema is up to date') ? true : undefined), 'the schema one-shot saying it is done', 10_000);

    const server = compose.services.temporal!;
    const dynamicConfigTarget = server.environment?.DYNAMIC_CONFIG_FILE_PATH;
    expect(dynamicConfigTarget).toMatch(/^\/etc\/temporal\//);
    temporal = await new GenericContainer(images.temporalServer)
      .withNetwork(network)
      .withPullPolicy(neverPull)
      .withNetworkAliases('temporal')
      .withLogConsumer(capture('temporal'))
      .withEnvironment({ ...dbEnv, BIND_ON_IP: '0.0.0.0', LOG_LEVEL: 'warn', DYNAMIC_CONFIG_FILE_PATH: dynamicConfigTarget! })
      // The project's dynamic config, mounted read-only as compose mounts it.
      .withBindMounts([{ source: path.join(ROOT, 'deploy/temporal/dynamicconfig.yaml'), target: dynamicConfigTarget!, mode: 'ro' }])
      .withEntrypoint(['/bin/sh', '-c'])
      .withCommand([script('temporal')])
      .withExposedPorts(7233)
      .withHealthCheck({ test: server.healthcheck!.test as ['CMD', ...string[]], interval: 1_000, timeout: 3_000, retries: 120, startPeriod: 1_000 })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(120_000)
      .start();
    started.push(temporal);
    await serving(60_000);

    const namespace = await new GenericContainer(images.adminTools)
      .withNetwork(network)
      .withPullPolicy(neverPull)
      .withEnvironment({ TEMPORAL_ADDRESS: 'temporal:7233', NAMESPACE: 'default' })
      .withLogConsumer(capture('temporal-create-namespace'))
      .withEntrypoint(['/bin/sh', '-c'])
      .withCommand([script('temporal-create-namespace')])
      .withWaitStrategy(Wait.forOneShotStartup())
      .withStartupTimeout(120_000)
      .start();
    started.push(namespace);
    await eventually(() => (/namespace default (created|already exists)/.test(logs['temporal-create-namespace'] ?? '') ? true : undefined), 'the namespace one-shot', 10_000);
  }

  it(
    'an order syncs through it (search attributes registered, the server restarted to see them), found in PostgreSQL visibility',
    async () => {
      expect(temporal, 'the containers did not start (above)').toBeDefined();
      // As `bcsync cluster up` does: register the project's search attributes, then restart the
      // server so every service reads them now rather than within its 60 s cache.
      let config = await serving(30_000);
      const { connection, close } = await connectClient(config, { connectTimeoutMs: 5_000 });
      try {
        // The frontend learns of the new namespace within its registry's refresh (seconds): until then NOT_FOUND.
        await eventually(
          async () => {
            await ensureSearchAttributes(connection, 'default', createLogger('fatal', 'testcontainers'));
            return true;
          },
          'the search attributes registered in namespace default',
          30_000,
        );
      } finally {
        await close();
      }
      await temporal!.restart({ timeout: 10 });
      config = await serving(60_000);
      expect(config.address).toBe(address());

      const stack = await startStack({ TEMPORAL_ADDRESS: address() });
      try {
        const order = await stack.createOrder(demoOrderBody(3));
        const externalId = `bc-${stack.storeHash}-${order.id}`;
        const so = await eventually(
          async () => {
            const res = await fetch(`${stack.sandboxes.erpUrl}/services/rest/record/v1/salesOrder/eid:${externalId}`, { headers: { authorization: 'Bearer sandbox-erp-token' } });
            return res.status === 200 ? ((await res.json()) as { otherRefNum?: string }) : undefined;
          },
          `ERP sales order ${externalId} written through the containers' Temporal`,
          60_000,
        );
        expect(so.otherRefNum).toBe(String(order.id));
        const workflowId = await eventually(
          async () => {
            for await (const w of stack.client.workflow.list({ query: `BcStoreHash = "${stack.storeHash}" AND BcOrderId = ${order.id}` })) return w.workflowId;
            return undefined;
          },
          'the order workflow in visibility (PostgreSQL)',
          30_000,
        );
        expect(workflowId).toContain(String(order.id));
      } finally {
        await stack.close();
      }
    },
    5 * 60_000,
  );
});
