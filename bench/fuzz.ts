import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { startDevServer } from '../cli/dev-server';
import { loadConfig } from '../config/env';
import { createLogger } from '../lib/logger';
import { SEED_STOCK } from '../sandbox/bigcommerce/seed';
import { seededRandom } from '../sandbox/random';
import { startSandboxes } from '../sandbox/start-sandboxes';
import { installTemporalRuntime } from '../workers/runtime';
import { bundleWorkflows, startWorkers } from '../workers/start-workers';
import { connectClient, connectWorkerConnection } from '../workers/temporal-connection';
import { orderWorkflowId } from '../workflows/orders/order-sync.contract';
import { badCases, CaseFactory, OMS_EXTRA_PARAM_BATCHES, signV1, type FuzzCase, type Receiver } from './support/fuzz-cases';
import { canary, recordingProxy, send, type FuzzAnswer, type FuzzRequest } from './support/fuzz-http';
import { control, must, writeResult } from './support/result';
import { seedStock } from './support/stock';
import { BENCH_PAYLOAD_KEYS } from './support/temporal';
import { actionsBetween, freePort, temporalActions } from './support/witness';

/**
 * `npm run bench -- fuzz`: at least 10,000 bad inputs to every receiver and the ops API,
 * interleaved (seeded shuffle, 8 in flight) with 200 valid signed BigCommerce deliveries of orders
 * created first in the BigCommerce sandbox, against the real stack: a Temporal dev server, the three
 * sandboxes, the workers in this process and `bcsync api` in its own process (its memory read from
 * /proc, a crash seen as the process exiting). Judged by witnesses, not by the API's own answers
 * alone: Temporal's visibility and histories (which process started or signalled what), the
 * sandboxes' records (ERP sales orders and credit memos, BigCommerce refunds and stock levels), a
 * recording proxy in front of the OMS (every request the API made to it), a canary server no request
 * may reach, and the API's counter of bodies parsed before authentication.
 */
const env = z
  .object({
    /** Multiplies every family's count (1: about 11,000 bad inputs). */
    FUZZ_SCALE: z.coerce.number().positive().default(1),
    FUZZ_SEED: z.coerce.number().int().default(16),
    FUZZ_CONCURRENCY: z.coerce.number().int().positive().default(8),
  })
  .parse(process.env);

const STORE = 'fuzz';
const STORE_ID = '1001';
const OTHER_STORE = 'otherstore';
const VALID = 200;
/**
 * Bad inputs sent before the RSS baseline is read. The per-1,000 readings of earlier runs show the
 * API's heap growing to its working size over the first ~3,000 requests of this mix, then flat:
 * with a 500-request warm-up the figure measured that sizing (36-91 MB from run to run), not a leak.
 */
const WARMUP = 3_000;
const CLIENT_SECRET = 'fuzz-client-secret-0123456789';
const SECRETS = {
  WEBHOOK_SECRET: 'fuzz-webhook-secret-0123456789',
  ERP_WEBHOOK_TOKEN: 'fuzz-erp-token-0123456789',
  ERP_WEBHOOK_SIGNING_SECRET: 'fuzz-erp-signing-secret-0123456789',
  OMS_WEBHOOK_TOKEN: 'fuzz-oms-token-0123456789',
  OPS_TOKEN: 'fuzz-ops-token-0123456789',
  OTHER_OPS_TOKEN: 'fuzz-other-store-ops-token-0123',
  METRICS_TOKEN: 'fuzz-metrics-token-0123456789',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const externalId = (id: number) => `bc-${STORE}-${id}`;

/** Resident memory of a process, in MB (Linux /proc). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  must(m, `no VmRSS for process ${pid}`);
  return Number(m[1]) / 1024;
}

/** `bcsync api` as production runs it, in its own process; resolves once /readyz (behind METRICS_TOKEN) says Temporal answers. */
async function startApi(vars: NodeJS.ProcessEnv, url: string): Promise<{ child: ChildProcess; exited: () => number | null | undefined }> {
  const child = fork(path.join(__dirname, '..', 'cli', 'bcsync.ts'), ['api'], {
    env: { ...process.env, ...vars, LOG_LEVEL: 'info' },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let exited: number | null | undefined;
  child.once('exit', (code, signal) => (exited = code ?? (signal ? -1 : null)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    must(exited === undefined, `bcsync api exited with ${exited} before it was ready`);
    const ok = await fetch(`${url}/readyz`, { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, exited: () => exited };
    must(Date.now() < deadline, 'bcsync api was not ready within 60 s');
    await sleep(250);
  }
}

/** `bcsync_request_bodies_parsed_total` by route and whether the caller was authenticated first. */
async function bodiesParsed(apiUrl: string): Promise<Array<{ route: string; authenticated: string; value: number }>> {
  const res = await control(fetch(`${apiUrl}/metrics`, { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } }), 'GET /metrics with METRICS_TOKEN');
  const text = await res.text();
  must(text.includes('bcsync_request_bodies_parsed_total'), 'the API publishes no bcsync_request_bodies_parsed_total');
  const out = [];
  for (const m of text.matchAll(/^bcsync_request_bodies_parsed_total\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    out.push({ route: labels.route ?? '?', authenticated: labels.authenticated ?? '?', value: Number(m[2]) });
  }
  return out;
}

function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** A request in one line, for the report: method, path, the headers that matter, the body's start and size. */
function describeRequest(r: FuzzRequest | undefined): string {
  if (!r) return '(not sent)';
  const h = Object.entries(r.headers)
    .filter(([k]) => ['content-type', 'content-encoding', 'authorization', 'x-bcsync-erp-token', 'webhook-timestamp'].includes(k))
    .map(([k, v]) => `${k}: ${v.length > 60 ? `${v.slice(0, 60)}...(${v.length})` : v}`)
    .join('; ');
  const head = r.body?.subarray(0, 160);
  // Compressed bodies as hex: their bytes would only garble the report.
  const shown = head && (/[^\t\n\r\x20-\x7e]/.test(head.toString('latin1')) ? `hex ${head.subarray(0, 16).toString('hex')}...` : JSON.stringify(head.toString('latin1')));
  const body = r.body ? ` body(${r.body.length} B${r.chunked ? ', chunked' : ''}) ${shown}` : '';
  return `${r.method} ${r.path.length > 160 ? `${r.path.slice(0, 160)}...` : r.path} [${h}]${body}`;
}
const describeAnswer = (a: FuzzAnswer | undefined) => (!a ? '(none)' : 'error' in a ? `no answer: ${a.error} after ${a.ms} ms` : `${a.status} ${a.body.slice(0, 300)}`);

interface Outcome {
  c: FuzzCase;
  answer: FuzzAnswer;
}

export async function main(): Promise<void> {
  const startedAt = new Date();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 'fuzz');
  installTemporalRuntime(logger);
  const random = seededRandom(env.FUZZ_SEED);

  const metricsPort = await freePort();
  const temporal = await startDevServer({ logLevel: 'never', metricsPort });
  const bundle = await bundleWorkflows();
  const clients = { 'fuzz-token': { clientId: 'fuzz', clientSecret: CLIENT_SECRET }, 'witness-token': { clientId: 'witness', clientSecret: 'witness-secret' } };
  const sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { storeHash: STORE, quota: 100_000, rateLimit: false, clients }, oms: { quota: 1_000_000 } });
  // The API reaches the OMS through a recording proxy (what it asked the OMS); the workers go direct.
  const omsProxy = await recordingProxy(sandboxes.omsUrl);
  const forbidden = await canary();
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const common = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_PAYLOAD_KEYS: BENCH_PAYLOAD_KEYS,
    BC_API_URL: sandboxes.bcUrl,
    BC_STORE_HASH: STORE,
    BC_ACCESS_TOKEN: 'fuzz-token',
    BC_CLIENT_SECRET: CLIENT_SECRET,
    BC_PLAN: 'enterprise',
    BC_QUOTA: '100000',
    ERP_API_URL: sandboxes.erpUrl,
    ERP_ACCESS_TOKEN: 'sandbox-erp-token',
    ERP_CONCURRENCY: '8',
    ERP_WEBHOOK_TOKEN: SECRETS.ERP_WEBHOOK_TOKEN,
    ERP_WEBHOOK_SIGNING_SECRET: SECRETS.ERP_WEBHOOK_SIGNING_SECRET,
    OMS_API_KEY: 'sandbox-oms-key',
    OMS_API_SECRET: 'sandbox-oms-secret',
    OMS_RATE_PER_MINUTE: '100000',
    OMS_WEBHOOK_TOKEN: SECRETS.OMS_WEBHOOK_TOKEN,
    WEBHOOK_SECRET: SECRETS.WEBHOOK_SECRET,
    OPS_TOKEN: SECRETS.OPS_TOKEN,
    // A named token scoped to another store: it must never act on this one.
    OPS_TOKENS: JSON.stringify([{ name: 'other-store', token: SECRETS.OTHER_OPS_TOKEN, stores: [OTHER_STORE] }]),
    METRICS_TOKEN: SECRETS.METRICS_TOKEN,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
  };
  const apiEnv = { ...common, OMS_API_URL: omsProxy.url };
  const config = loadConfig({ ...common, OMS_API_URL: sandboxes.omsUrl });
  must(config.api.opsTokens?.[0]?.stores !== '*' && config.api.opsTokens?.[0]?.name === 'other-store', 'OPS_TOKENS did not configure the other-store token');

  const { client, close: closeClient } = await connectClient(config.temporal);
  const nativeConnection = await connectWorkerConnection(config.temporal);
  const workers = await startWorkers(config, { connection: nativeConnection, logger, client, workflowBundle: { code: bundle.code } });
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: env.FUZZ_CONCURRENCY });
  try {
    // ---- the store: 201 orders (200 valid deliveries and a control), stock levels to forge ----------
    await seedStock({ erpUrl: sandboxes.erpUrl, bcUrl: sandboxes.bcUrl, storeHash: STORE, token: 'witness-token', quantity: 100_000, reason: 'fuzz bench stock' });
    const bcData = sandboxes.bigcommerce.ctx.data;
    const bcLevel = (sku: string) => {
      const variant = Object.values(bcData.variants).find((v) => v.sku === sku);
      return variant ? bcData.inventory[`1:${variant.id}`]?.onHand : undefined;
    };
    // The store applies inventory adjustments a moment later, as BigCommerce does.
    const seeded = [...new Set(SEED_STOCK.map((l) => l.sku))];
    const stockDeadline = Date.now() + 30_000;
    while (seeded.some((sku) => bcLevel(sku) !== 100_000) && Date.now() < stockDeadline) await sleep(200);
    must(
      seeded.every((sku) => bcLevel(sku) === 100_000),
      'the store did not show the seeded stock within 30 s',
    );
    const ids: number[] = [];
    for (const count of [VALID, 1]) {
      const res = await control(
        fetch(`${sandboxes.bcUrl}/__sandbox/orders/generate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ count, status_id: 11, seed: env.FUZZ_SEED + count }),
        }),
        'POST /__sandbox/orders/generate',
      );
      const body = (await res.json()) as { ids?: number[] };
      must(body.ids?.length === count, `the BigCommerce sandbox created ${body.ids?.length} of ${count} orders`);
      ids.push(...body.ids);
    }
    const validIds = ids.slice(0, VALID);
    const controlId = ids[VALID]!;
    for (const id of ids) must(bcData.orders[String(id)], `order ${id} is not in the BigCommerce sandbox`);
    // SKUs no order touches, with the same level in the store and the ERP (made after the orders, so
    // the generator cannot sell them): the forged ERP levels name these.
    const FORGED = 10;
    const forgedSkus = Array.from({ length: FORGED }, (_, i) => ({ sku: `FUZZ-FORGE-${i + 1}`, level: 40 + i }));
    const bcAuth = { 'content-type': 'application/json', 'x-auth-token': 'witness-token' };
    for (const f of forgedSkus) {
      await control(
        fetch(`${sandboxes.bcUrl}/stores/${STORE}/v3/catalog/products`, {
          method: 'POST',
          headers: bcAuth,
          body: JSON.stringify({ name: `Fuzz forged ${f.sku}`, type: 'physical', sku: f.sku, price: 10, weight: 1, inventory_tracking: 'product' }),
        }),
        `BigCommerce POST /v3/catalog/products ${f.sku}`,
      );
    }
    await control(
      fetch(`${sandboxes.bcUrl}/stores/${STORE}/v3/inventory/adjustments/absolute`, {
        method: 'PUT',
        headers: bcAuth,
        body: JSON.stringify({ reason: 'fuzz bench: forged SKUs', items: forgedSkus.map((f) => ({ location_id: 1, sku: f.sku, quantity: f.level })) }),
      }),
      'BigCommerce PUT /v3/inventory/adjustments/absolute',
    );
    await control(
      fetch(`${sandboxes.erpUrl}/__sandbox/stock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ levels: forgedSkus.map((f) => ({ sku: f.sku, location: '1', onHand: f.level })) }),
      }),
      'ERP POST /__sandbox/stock',
    );
    const levelsDeadline = Date.now() + 30_000;
    while (forgedSkus.some((f) => bcLevel(f.sku) !== f.level) && Date.now() < levelsDeadline) await sleep(200);
    const erpLevels = z
      .object({ levels: z.array(z.object({ sku: z.string(), location: z.string(), onHand: z.number(), available: z.number() })) })
      .parse(await (await control(fetch(`${sandboxes.erpUrl}/__sandbox/stock`), 'ERP GET /__sandbox/stock')).json()).levels;
    const forged = forgedSkus.map((f) => ({
      ...f,
      erpStart: erpLevels.find((l) => l.sku === f.sku && l.location === '1')?.available,
      bcStart: bcLevel(f.sku),
    }));
    const orderedSkus = new Set(ids.flatMap((id) => bcData.orders[String(id)]!.lines.map((l) => l.sku)));
    forged.forEach((f) => {
      must(f.bcStart === f.level && f.erpStart === f.level, `${f.sku}: BigCommerce shows ${f.bcStart} and the ERP ${f.erpStart}, not ${f.level}`);
      must(!orderedSkus.has(f.sku), `${f.sku} is in an order`);
    });

    // ---- the API, and the controls that say the scenario can run -------------------------------------
    api = await startApi(apiEnv, apiUrl);
    const apiPid = api.child.pid!;
    const apiIdentity = `${apiPid}@${os.hostname()}`;
    const benchIdentity = `${process.pid}@${os.hostname()}`;
    // Our signer is BigCommerce's: the library's own signature for the same id, time and body.
    const probeBody = Buffer.from('{"probe":true}');
    must(
      new Webhook(Buffer.from(CLIENT_SECRET).toString('base64')).sign('msg_probe', new Date(1_700_000_000_000), probeBody) ===
        signV1(CLIENT_SECRET, 'msg_probe', '1700000000', probeBody),
      "the bench's signature differs from the standardwebhooks library's",
    );
    const factory = new CaseFactory({
      random,
      storeHash: STORE,
      storeId: STORE_ID,
      clientSecret: CLIENT_SECRET,
      customSecret: SECRETS.WEBHOOK_SECRET,
      erpToken: SECRETS.ERP_WEBHOOK_TOKEN,
      erpSigningSecret: SECRETS.ERP_WEBHOOK_SIGNING_SECRET,
      omsToken: SECRETS.OMS_WEBHOOK_TOKEN,
      opsToken: SECRETS.OPS_TOKEN,
      otherStoreOpsToken: SECRETS.OTHER_OPS_TOKEN,
      otherStore: OTHER_STORE,
      metricsToken: SECRETS.METRICS_TOKEN,
      validOrderIds: validIds,
      omsOrigin: omsProxy.url,
      canaryOrigin: forbidden.url,
      forgedSkus: forged.map((f) => ({ sku: f.sku, level: f.level })),
    });
    const controlCase = factory.valid(controlId);
    controlCase.sent = controlCase.build();
    const controlAnswer = await send(apiUrl, agent, controlCase.sent);
    must(
      'status' in controlAnswer && controlAnswer.status === 200 && JSON.parse(controlAnswer.body).workflowId === orderWorkflowId(STORE, controlId),
      `the control delivery of order ${controlId} was not accepted: ${describeAnswer(controlAnswer)}`,
    );
    const controlStart = (await client.workflow.getHandle(orderWorkflowId(STORE, controlId)).fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.identity;
    must(controlStart === apiIdentity, `the control's workflow was started by ${controlStart}, not the API process (${apiIdentity}): the witness could not tell who started what`);
    const parsedBefore = await bodiesParsed(apiUrl);
    must(
      parsedBefore.some((p) => p.route === 'bigcommerce' && p.authenticated === 'yes' && p.value >= 1),
      'the control delivery was not counted in bcsync_request_bodies_parsed_total',
    );
    const actionsBefore = await temporalActions(metricsPort);

    // ---- the cases: warm-up, then the rest interleaved with the valid deliveries and their replays ----
    const bad = badCases(factory, env.FUZZ_SCALE);
    const replaysOfBad = bad.filter((c) => c.replayOf);
    const firstSends = shuffle(
      bad.filter((c) => !c.replayOf),
      random,
    );
    const warm = firstSends.slice(0, WARMUP);
    const valid = validIds.map((id) => factory.valid(id));
    const validReplays = valid.flatMap((v) => [factory.replay(v, 'bc.replay'), factory.replay(v, 'bc.replay')]);
    const main = shuffle([...firstSends.slice(WARMUP), ...valid], random);
    // A replay goes after its original (at least 16 places later: its answer is awaited anyway).
    const slots = main.map((c, i) => ({ c, at: i }));
    const position = new Map(main.map((c, i) => [c, i]));
    for (const r of [...validReplays, ...replaysOfBad]) {
      const from = (position.get(r.replayOf!) ?? -16) + 16;
      slots.push({ c: r, at: from + random() * Math.max(1, main.length - from) + 0.5 });
    }
    const mainOrder = slots.sort((a, b) => a.at - b.at).map((s) => s.c);
    const badCount = warm.length + mainOrder.filter((c) => c.kind === 'bad').length;
    must(badCount >= 10_000 || env.FUZZ_SCALE < 1, `only ${badCount} bad inputs planned`);

    const outcomes: Outcome[] = [];
    /** The API's VmRSS (MB) every 1,000 answers: a leak grows with the count, a high-water mark does not. */
    const rssSamples: string[] = [];
    const run = async (cases: FuzzCase[], label: string) => {
      let next = 0;
      const t0 = Date.now();
      await Promise.all(
        Array.from({ length: env.FUZZ_CONCURRENCY }, async () => {
          while (next < cases.length) {
            const c = cases[next++]!;
            if (c.replayOf) await c.replayOf.answer;
            c.sent = c.build();
            c.answer = send(apiUrl, agent, c.sent);
            outcomes.push({ c, answer: await c.answer });
            if (outcomes.length % 1_000 === 0) rssSamples.push(`${outcomes.length}: ${rssMb(apiPid).toFixed(0)}`);
            if (outcomes.length % 2_000 === 0) console.log(`  ${outcomes.length} requests answered (${label}, ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
          }
        }),
      );
      return (Date.now() - t0) / 1000;
    };
    console.log(`fuzz bench: ${badCount} bad inputs, ${VALID} valid deliveries, ${env.FUZZ_CONCURRENCY} in flight, seed ${env.FUZZ_SEED}; API pid ${apiPid}`);
    const warmS = await run(warm, 'warm-up');
    const rssAfterWarmup = rssMb(apiPid);
    const mainS = await run(mainOrder, 'main');
    const rssAfterRun = rssMb(apiPid);
    console.log(
      `  sent ${outcomes.length} requests in ${(warmS + mainS).toFixed(0)} s; API RSS ${rssAfterWarmup.toFixed(1)} MB after the warm-up, ${rssAfterRun.toFixed(1)} MB after the run`,
    );

    // ---- settle: every valid order's sales order in the ERP, then read the witnesses -----------------
    const erpWrites = sandboxes.erp.data.salesOrderWrites;
    const settleDeadline = Date.now() + 150_000;
    while (validIds.some((id) => !(erpWrites[externalId(id)] ?? 0)) && Date.now() < settleDeadline) await sleep(1_000);
    await sleep(3_000);
    const rssSettled = rssMb(apiPid);
    const alive =
      api.exited() === undefined &&
      (await fetch(`${apiUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      ));

    // Answers.
    const byFamily = new Map<string, { sent: number; unexpected: number; example?: Outcome }>();
    const flagged: Record<'crash' | 'server_error' | 'bad_accepted' | 'early_parse', Outcome[]> = { crash: [], server_error: [], bad_accepted: [], early_parse: [] };
    const earlyParseByRoute = new Map<Receiver, number>();
    const validAnswers = new Map<number, FuzzAnswer>();
    for (const o of outcomes) {
      const { c, answer } = o;
      if (c.kind === 'valid') {
        validAnswers.set(c.orderId!, answer);
        if ('error' in answer) flagged.crash.push(o);
        else if (answer.status >= 500) flagged.server_error.push(o);
        continue;
      }
      const fam = byFamily.get(c.family) ?? { sent: 0, unexpected: 0 };
      fam.sent++;
      byFamily.set(c.family, fam);
      if ('error' in answer) {
        flagged.crash.push(o);
        continue;
      }
      if (!c.expect.includes(answer.status)) {
        fam.unexpected++;
        fam.example ??= o;
      }
      if (answer.status >= 500) flagged.server_error.push(o);
      else if (answer.status >= 200 && answer.status < 300) {
        let parsed: { accepted?: unknown; ignored?: unknown; duplicate?: unknown } = {};
        try {
          parsed = JSON.parse(answer.body) as typeof parsed;
        } catch {
          // not JSON: judged as an acceptance below
        }
        const harmless = (parsed.accepted === false && typeof parsed.ignored === 'string') || parsed.duplicate === true || c.allow2xx !== undefined;
        if (!harmless) flagged.bad_accepted.push(o);
      }
      if (c.revealsEarlyParse && !c.authenticated && answer.status !== 401) {
        flagged.early_parse.push(o);
        earlyParseByRoute.set(c.receiver, (earlyParseByRoute.get(c.receiver) ?? 0) + 1);
      }
    }

    // The API's own counter of bodies parsed before authentication, per route, beside what the answers show.
    const parsedAfter = await bodiesParsed(apiUrl);
    const counterNo = new Map<string, number>();
    for (const p of parsedAfter) if (p.authenticated !== 'yes') counterNo.set(p.route, (counterNo.get(p.route) ?? 0) + p.value);
    const routes = new Set<string>([...counterNo.keys(), ...earlyParseByRoute.keys()]);
    let unauthParsed = 0;
    for (const r of routes) unauthParsed += Math.max(counterNo.get(r) ?? 0, earlyParseByRoute.get(r as Receiver) ?? 0);

    // Temporal: every workflow in the namespace, who started its root, and each valid order's signals.
    const allowedOrders = new Set([...validIds, controlId].map((id) => orderWorkflowId(STORE, id)));
    const executions: Array<{ workflowId: string; runId: string; type: string; parent?: string }> = [];
    for await (const wf of client.workflow.list())
      executions.push({ workflowId: wf.workflowId, runId: wf.runId, type: wf.type, parent: wf.parentExecution?.workflowId ?? undefined });
    const byId = new Map(executions.map((e) => [e.workflowId, e]));
    const startIdentity = new Map<string, string>();
    const identityOf = async (workflowId: string, runId: string) => {
      const key = `${workflowId}/${runId}`;
      if (!startIdentity.has(key)) {
        const h = await client.workflow.getHandle(workflowId, runId).fetchHistory();
        startIdentity.set(key, h.events?.[0]?.workflowExecutionStartedEventAttributes?.identity ?? '?');
      }
      return startIdentity.get(key)!;
    };
    const fromBad: string[] = [];
    const startedBySync: Record<string, number> = {};
    for (const e of executions) {
      if (e.workflowId.startsWith(`order:`)) {
        if (!allowedOrders.has(e.workflowId)) fromBad.push(`${e.workflowId} (${e.type})`);
        continue;
      }
      let root = e;
      for (let i = 0; root.parent && byId.get(root.parent) && i < 10; i++) root = byId.get(root.parent)!;
      if (root.workflowId.startsWith('order:') && allowedOrders.has(root.workflowId)) {
        startedBySync[e.type] = (startedBySync[e.type] ?? 0) + 1;
        continue;
      }
      const who = await identityOf(root.workflowId, root.runId);
      if (who === benchIdentity) startedBySync[e.type] = (startedBySync[e.type] ?? 0) + 1;
      else fromBad.push(`${e.workflowId} (${e.type}, root ${root.workflowId} started by ${who === apiIdentity ? 'the API process' : who})`);
    }
    let extraSignals = 0;
    let decisions = 0;
    const signalProblems: string[] = [];
    for (const id of validIds) {
      let apiSignals = 0;
      let apiUpdates = 0;
      for await (const wf of client.workflow.list({ query: `WorkflowId = "${orderWorkflowId(STORE, id)}"` })) {
        const h = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
        for (const ev of h.events ?? []) {
          if (ev.workflowExecutionSignaledEventAttributes?.identity === apiIdentity) apiSignals++;
          if (ev.workflowExecutionUpdateAcceptedEventAttributes || ev.workflowExecutionUpdateAdmittedEventAttributes) apiUpdates++;
        }
      }
      if (apiSignals > 1) extraSignals += apiSignals - 1;
      if (apiUpdates) decisions += apiUpdates;
      if (apiSignals !== 1 || apiUpdates) signalProblems.push(`order ${id}: ${apiSignals} signals from the API, ${apiUpdates} decisions`);
    }

    // The sandboxes' records.
    const allowedErpKeys = new Set([...validIds, controlId].map(externalId));
    const strayErp = Object.keys(erpWrites).filter((k) => !allowedErpKeys.has(k));
    const creditMemos = Object.keys(sandboxes.erp.data.creditMemoWrites ?? {});
    const bcRefunds = Object.keys(bcData.refunds ?? {});
    const erpNow = new Map(
      z
        .object({ levels: z.array(z.object({ sku: z.string(), location: z.string(), available: z.number() })) })
        .parse(await (await control(fetch(`${sandboxes.erpUrl}/__sandbox/stock`), 'ERP GET /__sandbox/stock')).json())
        .levels.filter((l) => l.location === '1')
        .map((l) => [l.sku, l.available]),
    );
    const levelChanges = forged.filter((f) => bcLevel(f.sku) !== f.bcStart || erpNow.get(f.sku) !== f.erpStart || bcLevel(f.sku) !== erpNow.get(f.sku));
    // What the API asked the OMS: only the batch, rebuilt by us, each batch read once.
    const allowedParams = new Set(['batchId', 'includeShipmentItems', 'page', 'pageSize']);
    const omsBad = omsProxy.log.filter((r) => {
      const u = new URL(r.url, 'http://x');
      return r.method !== 'GET' || u.pathname !== '/shipments' || [...u.searchParams.keys()].some((k) => !allowedParams.has(k));
    });
    const firstPageReads = new Map<string, number>();
    for (const r of omsProxy.log) {
      const u = new URL(r.url, 'http://x');
      if (u.searchParams.get('page') === '1') firstPageReads.set(u.searchParams.get('batchId') ?? '?', (firstPageReads.get(u.searchParams.get('batchId') ?? '?') ?? 0) + 1);
    }
    const rereads = [...firstPageReads.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
    const unknownBatches = [...firstPageReads.keys()].filter((b) => !OMS_EXTRA_PARAM_BATCHES.map(String).includes(b));

    const validAccepted = validIds.filter((id) => {
      const a = validAnswers.get(id);
      if (!a || 'error' in a || a.status !== 200) return false;
      const body = JSON.parse(a.body) as { accepted?: unknown; workflowId?: unknown };
      return body.accepted === true && body.workflowId === orderWorkflowId(STORE, id) && (erpWrites[externalId(id)] ?? 0) > 0;
    }).length;
    const crashes = flagged.crash.length + (alive ? 0 : 1);
    const serverErrors = flagged.server_error.length;
    const badAccepted =
      flagged.bad_accepted.length +
      extraSignals +
      decisions +
      strayErp.length +
      creditMemos.length +
      bcRefunds.length +
      levelChanges.length +
      omsBad.length +
      rereads +
      unknownBatches.length +
      forbidden.hits.length;
    const workflowsFromBad = fromBad.length;
    const rssGrowth = rssAfterRun - rssAfterWarmup;
    const actions = actionsBetween(actionsBefore, await temporalActions(metricsPort));

    const details: string[] = [
      `sent ${badCount} bad inputs (${warm.length} of them as the warm-up) and ${VALID} valid deliveries, ${env.FUZZ_CONCURRENCY} in flight, in ${(warmS + mainS).toFixed(0)} s; the API (\`bcsync api\`, pid ${apiPid}) ${alive ? 'still answering' : 'NOT ANSWERING'} at the end`,
      `families (sent, answers other than the documented status): ${[...byFamily]
        .sort()
        .map(([f, v]) => `${f} ${v.sent}${v.unexpected ? ` (${v.unexpected} other)` : ''}`)
        .join(', ')}`,
      `bad_accepted by witness: answers ${flagged.bad_accepted.length}, extra signals to valid orders ${extraSignals}, decisions on valid orders ${decisions}, ERP sales orders of no valid order ${strayErp.length}, ERP credit memos ${creditMemos.length}, BigCommerce refunds ${bcRefunds.length}, forged SKUs whose level moved ${levelChanges.length}/${forged.length}, OMS requests beyond the batch ${omsBad.length}, OMS batch re-reads ${rereads}, OMS batches not named ${unknownBatches.length}, canary hits ${forbidden.hits.length}`,
      `OMS proxy: the API made ${omsProxy.log.length} requests to the OMS (${firstPageReads.size} batches, first pages ${[...firstPageReads.values()].reduce((a, b) => a + b, 0)}) for ${byFamily.get('oms.extra_params')?.sent ?? 0} notifications with extra parameters`,
      `unauth_parsed: bcsync_request_bodies_parsed_total{authenticated="no"} ${JSON.stringify(Object.fromEntries(counterNo))}; unauthenticated requests with an unparseable or oversized body answered other than 401 ${JSON.stringify(Object.fromEntries(earlyParseByRoute))}`,
      `Temporal: ${executions.length} workflows in the namespace; started by the valid orders' sync (the workers' process): ${JSON.stringify(startedBySync)}; not explained by the ${VALID} valid orders and the control: ${fromBad.length}${fromBad.length ? ` (${fromBad.slice(0, 5).join('; ')})` : ''}; each valid order's workflow got ${signalProblems.length ? `not exactly one signal: ${signalProblems.slice(0, 5).join('; ')}` : 'exactly one signal from the API process and no decision'}`,
      `Temporal server actions during the run: ${JSON.stringify(actions.byType)}`,
      `API RSS (VmRSS): ${rssAfterWarmup.toFixed(1)} MB after ${warm.length} warm-up requests, ${rssAfterRun.toFixed(1)} MB at the last answer, ${rssSettled.toFixed(1)} MB once the valid orders were in the ERP (idle); by answers: ${rssSamples.join(', ')}`,
    ];
    for (const [kind, list] of Object.entries(flagged)) {
      const seen = new Set<string>();
      for (const o of list) {
        if (seen.has(o.c.family)) continue;
        seen.add(o.c.family);
        details.push(`${kind} (${list.filter((x) => x.c.family === o.c.family).length} in ${o.c.family}): ${describeRequest(o.c.sent)} -> ${describeAnswer(o.answer)}`);
      }
    }
    for (const [fam, v] of byFamily)
      if (v.example)
        details.push(
          `other status (${v.unexpected} in ${fam}, expected ${v.example.c.expect.join('/')}): ${describeRequest(v.example.c.sent)} -> ${describeAnswer(v.example.answer)}`,
        );
    if (levelChanges.length)
      details.push(
        `forged SKUs whose level moved: ${levelChanges.map((f) => `${f.sku} BigCommerce ${f.bcStart}->${bcLevel(f.sku)} ERP ${f.erpStart}->${erpNow.get(f.sku)}`).join('; ')}`,
      );
    if (omsBad.length)
      details.push(
        `OMS requests beyond the batch: ${omsBad
          .slice(0, 3)
          .map((r) => `${r.method} ${r.url}`)
          .join('; ')}`,
      );
    if (forbidden.hits.length)
      details.push(
        `canary hits: ${forbidden.hits
          .slice(0, 3)
          .map((r) => `${r.method} ${r.url}`)
          .join('; ')}`,
      );
    for (const d of details) console.log(`  ${d}`);

    // A scenario that did not happen makes the figures meaningless: stop.
    must(byFamily.get('bc.replay')?.sent === 2 * VALID, `only ${byFamily.get('bc.replay')?.sent} replays were sent`);

    const line = `fuzz: cases=${badCount} valid=${VALID} valid_accepted=${validAccepted} crashes=${crashes} server_errors=${serverErrors} bad_accepted=${badAccepted} workflows_from_bad=${workflowsFromBad} unauth_parsed=${unauthParsed} rss_growth_mb=${rssGrowth.toFixed(1)}`;
    console.log(line);
    const fig = (value: number, witness: string, goal: string, met: boolean) => ({ value, witness, goal, met });
    writeResult({
      name: 'fuzz',
      line,
      command: 'npm run bench -- fuzz',
      figures: {
        cases: fig(badCount, 'the bench (bad inputs sent, each answered or counted as a crash)', '>= 10000', badCount >= 10_000),
        valid_accepted: fig(validAccepted, 'answer 200 accepted for the order, and its sales order in the ERP sandbox (salesOrderWrites)', `${VALID}`, validAccepted === VALID),
        crashes: fig(crashes, 'the API process (exited, /healthz at the end) and the bench (requests without an HTTP answer within 30 s)', '0', crashes === 0),
        server_errors: fig(serverErrors, 'HTTP answers 5xx (Temporal up throughout)', '0', serverErrors === 0),
        bad_accepted: fig(
          badAccepted,
          'bad inputs answered 2xx (not ignored or duplicate) + Temporal histories (signals from the API process beyond one per valid order, decisions) + ERP sandbox (sales orders of no valid order, credit memos) + BigCommerce sandbox (refunds, forged SKUs stock levels) + OMS recording proxy (requests beyond the batch, re-reads) + canary server hits',
          '0',
          badAccepted === 0,
        ),
        workflows_from_bad: fig(
          workflowsFromBad,
          "Temporal visibility (every workflow in the namespace) and the first history event's identity of each root (API process or the workers')",
          '0',
          workflowsFromBad === 0,
        ),
        unauth_parsed: fig(
          unauthParsed,
          'the API\'s bcsync_request_bodies_parsed_total{authenticated="no"} per route, or per route the unauthenticated requests with unparseable or oversized bodies answered other than 401, whichever is larger',
          '0',
          unauthParsed === 0,
        ),
        rss_growth_mb: fig(Number(rssGrowth.toFixed(1)), `VmRSS of the API process (/proc) after the run minus after the ${WARMUP}-request warm-up`, '< 50', rssGrowth < 50),
      },
      details,
      startedAt: startedAt.toISOString(),
      durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    });
  } finally {
    agent.destroy();
    if (api && api.child.exitCode === null) {
      const exited = new Promise((r) => api!.child.once('exit', r));
      api.child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (api.child.exitCode === null) api.child.kill('SIGKILL');
    }
    await workers.shutdown();
    await nativeConnection.close();
    await closeClient();
    await omsProxy.close();
    await forbidden.close();
    await sandboxes.close();
    await temporal.teardown();
  }
}
