import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { orderWorkflowInput } from '../clients/orders';
import { WEBHOOK_SECRET_HEADER } from '../api/shared/webhook-secret';
import { startDevServer } from '../cli/dev-server';
import { loadConfig } from '../config/env';
import type { OrderEvent } from '../domain/orders/order-event';
import { orderWorkflowId, orderEventSignal, ORDER_SYNC_WORKFLOW, type OrderSyncWorkflow } from '../workflows/orders/order-sync.contract';
import { BcOrderId, BcStoreHash } from '../domain/shared/search-attributes';
import { connectClient } from '../workers/temporal-connection';
import { must, writeResult } from './support/result';
import { BENCH_PAYLOAD_KEYS } from './support/temporal';
import { actionsBetween, freePort, temporalActions, type ActionCount } from './support/witness';

/**
 * `npm run bench -- ingest`: our webhook receiver against a plain Temporal client, same server,
 * same concurrency, same run.
 *
 * - ours: `bcsync api` (the production entry point, in its own process, at its default log level, info)
 *   receives BigCommerce-shaped deliveries of `store/order/created|updated` for distinct order ids
 *   over keep-alive HTTP, with every header BigCommerce sends a hook we registered: the custom
 *   `x-bcsync-secret` and the Standard Webhooks `webhook-id`/`webhook-timestamp`/`webhook-signature`
 *   signed as BigCommerce signs (the `standardwebhooks` library keyed by base64 of the client secret).
 *   The API checks, validates and signal-with-starts each order's workflow before answering 200.
 * - raw: `client.workflow.signalWithStart` of the same workflow type, id shape, arguments, signal
 *   and search attributes, from this process, for another id range.
 * No worker runs: every signal-with-start creates a workflow that waits for its first task.
 * The two alternate in rounds (ours, raw, raw, ours, ...) so machine noise hits both. The witness
 * that each accepted delivery really started its workflow is Temporal's visibility store (one
 * workflow per id, counted per id range), and the server's `action` metric, which must count exactly
 * one signal-with-start per delivery and per raw call (settled after each round, outside its time).
 */
const env = z
  .object({
    INGEST_CONCURRENCY: z.coerce.number().int().positive().default(10),
    /** Timed ids per side (each a new workflow). */
    INGEST_IDS: z.coerce.number().int().positive().default(3_000),
    INGEST_ROUNDS: z.coerce.number().int().positive().default(6),
    /** Untimed ids per side first (connections, JIT, the server's caches). */
    INGEST_WARMUP: z.coerce.number().int().nonnegative().default(200),
  })
  .parse(process.env);

const STORE = 'ingest';
const STORE_ID = '1001';
const CLIENT_SECRET = 'ingest-client-secret-0123456789';
const WEBHOOK_SECRET = 'ingest-webhook-secret-0123';
/** Raw ids start here; ours below. */
const RAW_BASE = 10_000_000;
const C = env.INGEST_CONCURRENCY;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Phase {
  side: 'ours' | 'raw';
  ids: number;
  elapsedMs: number;
  latenciesMs: number[];
  actions: ActionCount;
}

/** Runs `send(id)` for every id with `C` concurrent loops; latency per call. Throws on the first failure. */
async function drive(ids: number[], send: (id: number) => Promise<void>): Promise<{ elapsedMs: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const t0 = performance.now();
        await send(id);
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return { elapsedMs: performance.now() - started, latenciesMs };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
}

/** `bcsync api` as production runs it, in its own process; resolves once /readyz says Temporal answers. */
async function startApi(envVars: NodeJS.ProcessEnv, url: string): Promise<ChildProcess> {
  const child = fork(path.join(__dirname, '..', 'cli', 'bcsync.ts'), ['api'], {
    // The production default log level, whatever this shell sets: one info line per accepted delivery.
    env: { ...process.env, ...envVars, LOG_LEVEL: 'info' },
    execArgv: ['--import', 'tsx'],
    // The API logs to stdout (one line per accepted delivery at info), here to /dev/null.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + 60_000;
  for (;;) {
    must(exited === undefined, `bcsync api exited with ${exited} before it was ready`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    must(Date.now() < deadline, 'bcsync api was not ready within 60 s');
    await sleep(250);
  }
}

export async function main(): Promise<void> {
  const startedAt = new Date();
  const metricsPort = await freePort();
  const temporal = await startDevServer({ logLevel: 'never', metricsPort });
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const configEnv = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS,
    BC_STORE_HASH: STORE,
    BC_ACCESS_TOKEN: 'ingest-token',
    // Never called: no worker runs and the receiver only talks to Temporal.
    BC_API_URL: 'http://127.0.0.1:9',
    ERP_API_URL: 'http://127.0.0.1:9',
    ERP_ACCESS_TOKEN: 'ingest-erp-token',
    OMS_API_URL: 'http://127.0.0.1:9',
    OMS_API_KEY: 'ingest-oms-key',
    OMS_API_SECRET: 'ingest-oms-secret',
    OMS_WEBHOOK_TOKEN: 'ingest-oms-token-0123456789',
    WEBHOOK_SECRET,
    // The receiver verifies each delivery's signature, as in production.
    BC_CLIENT_SECRET: CLIENT_SECRET,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
  };
  const config = loadConfig(configEnv);
  let api: ChildProcess | undefined;
  // The raw side encrypts too, through the same builder as the API: the two differ in the receiver only.
  const { client, close: closeClient } = await connectClient(config.temporal);
  const agent = new http.Agent({ keepAlive: true, maxSockets: C });
  try {
    api = await startApi(configEnv, apiUrl);
    // BigCommerce's signing: Standard Webhooks keyed by base64(client secret).
    const signer = new Webhook(Buffer.from(CLIENT_SECRET, 'utf8').toString('base64'));

    const deliver = (id: number): Promise<void> => {
      const scope = id % 2 === 0 ? 'store/order/created' : 'store/order/updated';
      const event = { scope, store_id: STORE_ID, data: { type: 'order', id }, created_at: Math.floor(Date.now() / 1000), producer: `stores/${STORE}` };
      const body = JSON.stringify({ ...event, hash: createHash('sha1').update(JSON.stringify(event)).digest('hex') });
      const webhookId = `msg_${randomUUID().replace(/-/g, '')}`;
      const now = new Date();
      const headers = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'ingest-bench',
        [WEBHOOK_SECRET_HEADER]: WEBHOOK_SECRET,
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer.sign(webhookId, now, body),
      };
      return new Promise<void>((resolve, reject) => {
        const req = http.request(`${apiUrl}/webhooks/bigcommerce`, { method: 'POST', headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) return reject(new Error(`delivery of order ${id} answered ${res.statusCode} ${text.slice(0, 300)}`));
            const answer = z.object({ accepted: z.literal(true), workflowId: z.string() }).safeParse(JSON.parse(text));
            if (!answer.success || answer.data.workflowId !== orderWorkflowId(STORE, id))
              return reject(new Error(`delivery of order ${id} was not accepted: ${text.slice(0, 300)}`));
            resolve();
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
    };

    const raw = async (id: number): Promise<void> => {
      await client.workflow.signalWithStart<OrderSyncWorkflow, [OrderEvent]>(ORDER_SYNC_WORKFLOW, {
        workflowId: orderWorkflowId(STORE, id),
        taskQueue: config.temporal.workflowTaskQueue,
        args: [orderWorkflowInput(config, STORE, id)],
        signal: orderEventSignal,
        signalArgs: [
          {
            scope: id % 2 === 0 ? 'store/order/created' : 'store/order/updated',
            hash: createHash('sha1').update(String(id)).digest('hex'),
            createdAt: Math.floor(Date.now() / 1000),
          },
        ],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: BcStoreHash, value: STORE },
          { key: BcOrderId, value: id },
        ],
        staticSummary: `BigCommerce order #${id} · store ${STORE}`,
      });
    };

    let nextOurs = 1;
    let nextRaw = RAW_BASE;
    const take = (side: Phase['side'], n: number): number[] => {
      const start = side === 'ours' ? nextOurs : nextRaw;
      if (side === 'ours') nextOurs += n;
      else nextRaw += n;
      return Array.from({ length: n }, (_, i) => start + i);
    };
    // The server publishes its metrics about once a second: a reading counts once it stops moving.
    const settledActions = async (): Promise<ActionCount> => {
      let last = await temporalActions(metricsPort);
      const deadline = Date.now() + 15_000;
      for (;;) {
        await sleep(1_100);
        const now = await temporalActions(metricsPort);
        if (now.total === last.total) return now;
        must(Date.now() < deadline, 'the Temporal action metric did not settle within 15 s');
        last = now;
      }
    };
    let reading = await settledActions();
    const run = async (side: Phase['side'], n: number): Promise<Phase> => {
      const { elapsedMs, latenciesMs } = await drive(take(side, n), side === 'ours' ? deliver : raw);
      const after = await settledActions();
      const actions = actionsBetween(reading, after);
      reading = after;
      // Witness: each call is exactly one signal-with-start the server accepted (and bills).
      must(
        actions.total === n && actions.byType.grpc_SignalWithStartWorkflowExecution === n,
        `${side}: ${n} calls, but the server counted ${JSON.stringify(actions.byType)} (expected ${n} grpc_SignalWithStartWorkflowExecution)`,
      );
      return { side, ids: n, elapsedMs, latenciesMs, actions };
    };

    console.log(
      `ingest bench: concurrency ${C}, ${env.INGEST_IDS} timed ids per side in ${env.INGEST_ROUNDS} alternating rounds after ${env.INGEST_WARMUP} untimed; no worker running`,
    );
    if (env.INGEST_WARMUP > 0) {
      await run('ours', env.INGEST_WARMUP);
      await run('raw', env.INGEST_WARMUP);
    }
    const phases: Phase[] = [];
    const perRound = Math.ceil(env.INGEST_IDS / env.INGEST_ROUNDS);
    for (let r = 0; r < env.INGEST_ROUNDS; r++) {
      const n = Math.min(perRound, env.INGEST_IDS - r * perRound);
      if (n <= 0) break;
      // ABBA: each side goes first in half the rounds, so neither always follows the other's backlog.
      for (const side of r % 2 === 0 ? (['ours', 'raw'] as const) : (['raw', 'ours'] as const)) {
        const p = await run(side, n);
        phases.push(p);
        console.log(
          `  round ${r + 1} ${side.padEnd(4)} ${p.ids} ids in ${(p.elapsedMs / 1000).toFixed(2)} s: ${((p.ids * 1000) / p.elapsedMs).toFixed(1)}/s, p99 ${percentile(
            [...p.latenciesMs].sort((a, b) => a - b),
            99,
          ).toFixed(1)} ms, ${p.actions.total} actions`,
        );
      }
    }

    // Witness: one workflow per accepted delivery, counted by Temporal's visibility store.
    const oursExpected = nextOurs - 1;
    const rawExpected = nextRaw - RAW_BASE;
    const countOf = async (range: string) => (await client.workflow.count(`WorkflowType = 'orderSync' AND BcStoreHash = '${STORE}' AND ${range}`)).count;
    let oursWorkflows = -1;
    let rawWorkflows = -1;
    const visibilityDeadline = Date.now() + 60_000;
    while (Date.now() < visibilityDeadline) {
      oursWorkflows = await countOf(`BcOrderId < ${RAW_BASE}`);
      rawWorkflows = await countOf(`BcOrderId >= ${RAW_BASE}`);
      if (oursWorkflows >= oursExpected && rawWorkflows >= rawExpected) break;
      await sleep(1_000);
    }
    must(oursWorkflows === oursExpected, `Temporal visibility counts ${oursWorkflows} workflows for the ${oursExpected} accepted deliveries`);
    must(rawWorkflows === rawExpected, `Temporal visibility counts ${rawWorkflows} workflows for the ${rawExpected} raw signal-with-starts`);

    const side = (s: Phase['side']) => {
      const ps = phases.filter((p) => p.side === s);
      const ids = ps.reduce((a, p) => a + p.ids, 0);
      const sorted = ps.flatMap((p) => p.latenciesMs).sort((a, b) => a - b);
      const actions = ps.reduce((a, p) => a + p.actions.total, 0);
      return { ids, rps: (ids * 1000) / ps.reduce((a, p) => a + p.elapsedMs, 0), p50: percentile(sorted, 50), p99: percentile(sorted, 99), actionsPerId: actions / ids };
    };
    const ours = side('ours');
    const rawSide = side('raw');
    const ratio = ours.rps / rawSide.rps;
    const ratioMet = ratio >= 0.8;
    const p99Met = ours.p99 <= rawSide.p99 + 10;
    const details = [
      `ours: ${ours.ids} deliveries, ${ours.rps.toFixed(1)}/s, p50 ${ours.p50.toFixed(1)} ms, p99 ${ours.p99.toFixed(1)} ms, ${ours.actionsPerId.toFixed(2)} actions each`,
      `raw:  ${rawSide.ids} signal-with-starts, ${rawSide.rps.toFixed(1)}/s, p50 ${rawSide.p50.toFixed(1)} ms, p99 ${rawSide.p99.toFixed(1)} ms, ${rawSide.actionsPerId.toFixed(2)} actions each`,
      `witness: Temporal visibility counts ${oursWorkflows} orderSync workflows for ${oursExpected} accepted deliveries and ${rawWorkflows} for ${rawExpected} raw calls (warm-up included)`,
    ];
    for (const d of details) console.log(`  ${d}`);
    const line = `ingest: c=${C} ids=${env.INGEST_IDS} ours_rps=${ours.rps.toFixed(1)} raw_rps=${rawSide.rps.toFixed(1)} ratio=${ratio.toFixed(2)} ours_p99_ms=${ours.p99.toFixed(1)} raw_p99_ms=${rawSide.p99.toFixed(1)}`;
    console.log(line);
    const clock = 'bench clock over the timed rounds; every call counted by Temporal (visibility: one workflow per id; action metric: one signal-with-start per call)';
    writeResult({
      name: 'ingest',
      line,
      command: 'npm run bench -- ingest',
      figures: {
        ours_rps: { value: Number(ours.rps.toFixed(1)), witness: clock },
        raw_rps: { value: Number(rawSide.rps.toFixed(1)), witness: clock },
        ratio: { value: Number(ratio.toFixed(2)), witness: clock, goal: '>= 0.8', met: ratioMet },
        ours_p99_ms: { value: Number(ours.p99.toFixed(1)), witness: 'bench clock, per delivery', goal: `<= raw_p99_ms + 10 (${(rawSide.p99 + 10).toFixed(1)})`, met: p99Met },
        raw_p99_ms: { value: Number(rawSide.p99.toFixed(1)), witness: 'bench clock, per call' },
        workflows_started: {
          value: oursWorkflows + rawWorkflows,
          witness: 'Temporal visibility (count of orderSync workflows per id range)',
          goal: `${oursExpected + rawExpected}`,
          met: true,
        },
        actions_per_delivery: {
          value: Number(ours.actionsPerId.toFixed(2)),
          witness: 'Temporal server action metric (grpc_SignalWithStartWorkflowExecution), settled after each round',
          goal: '1, as the raw client',
          met: true,
        },
      },
      details,
      startedAt: startedAt.toISOString(),
      durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    });
  } finally {
    agent.destroy();
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api!.once('exit', r));
      api.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (api.exitCode === null) api.kill('SIGKILL');
    }
    await closeClient();
    await temporal.teardown();
  }
}
