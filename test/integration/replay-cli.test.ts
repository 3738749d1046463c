import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { replayTarget } from '../../cli/replay/command';
import { BcSyncStatus } from '../../domain/shared/search-attributes';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { ENCRYPTED_ENCODING } from '../../lib/temporal/payload-codec';
import { FAILURE_CONVERTER_PATH } from '../../workers/temporal-connection';
import { payloadsOf, replayOptions } from '../support/histories';
import type { Json } from '../support/json';
import { knownCustomer, orderFor } from '../support/known-customer';
import { eventually, startStack, type Stack } from '../support/stack';
import { TEST_PAYLOAD_KEYS, testDataConverter } from '../support/temporal';

/**
 * Issue 19's replay must-show on the shared test server: orders run to completion through the
 * whole product, then `bcsync replay --query 'WorkflowType="orderSync"' --limit 200` (the built CLI,
 * as a child process) reports every history ok against the current code; the same histories against
 * deliberately non-deterministic builds are reported non-deterministic, with the event and the
 * command that differ. `bcsync history export --scrub` writes a history with no ciphertext and none
 * of the shopper's data that still replays.
 */
const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../../dist/cli/bcsync.js');
const QUERY = 'WorkflowType="orderSync"';
const { EventType } = temporal.api.enums.v1;

let stack: Stack;
/** Our runs: completed orders (shipped and quiet, an abandoned checkout) and the known customer's. */
const ours: string[] = [];
const customer = knownCustomer();
let customerWorkflow: string;
let tmp: string;

/** The CLI with only the Temporal settings of this server and the test key (nothing of the machine's). */
const cliEnv = () => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_'))),
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
});
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: cliEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const omsControl = (p: string, body: unknown) =>
  fetch(`${stack.sandboxes.omsUrl}/__sandbox${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const status = async (workflowId: string) => (await stack.client.workflow.getHandle(workflowId).describe()).status.name;

/** A paid order shipped by the 3PL, then quiet: its run completes. */
async function shippedOrder(body: unknown): Promise<string> {
  const order = await stack.createOrder(body);
  const workflowId = `order:${stack.storeHash}:${order.id}`;
  const externalId = `bc-${stack.storeHash}-${order.id}`;
  await eventually(
    async () => ((await omsControl(`/orders/${externalId}/ship`, { trackingNumber: `1Z${order.id}`, carrierCode: 'ups' })).status === 201 ? true : undefined),
    `${externalId} shipped`,
    30_000,
  );
  await eventually(async () => ((await status(workflowId)) === 'COMPLETED' ? true : undefined), `${workflowId} completed`, 40_000);
  return workflowId;
}

beforeAll(async () => {
  stack = await startStack({ ORDER_QUIET_PERIOD: '3s', ORDER_RETRY_WINDOW: '3s', ORDER_PARK_RETRY: '2s' });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'bcsync-replay-'));
  ours.push(await shippedOrder(demoOrderBody(0)), await shippedOrder(demoOrderBody(2)));
  customerWorkflow = await shippedOrder(orderFor(customer, 1));
  ours.push(customerWorkflow);
  // An abandoned checkout: nothing synced, the run ends when quiet.
  const abandoned = await stack.createOrder({ ...demoOrderBody(3), status_id: 0 });
  const abandonedId = `order:${stack.storeHash}:${abandoned.id}`;
  await eventually(async () => ((await status(abandonedId)) === 'COMPLETED' ? true : undefined), `${abandonedId} completed`, 30_000);
  ours.push(abandonedId);
  // And one still open: synced, waiting for its shipment.
  const open = await stack.createOrder(demoOrderBody(4));
  const openId = `order:${stack.storeHash}:${open.id}`;
  await eventually(
    async () => ((await stack.client.workflow.getHandle(openId).describe()).typedSearchAttributes.get(BcSyncStatus) === 'Synced' ? true : undefined),
    `${openId} Synced`,
    30_000,
  );
  ours.push(openId);
}, 240_000);
afterAll(async () => {
  await stack?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('bcsync replay against the cluster', () => {
  it('replays every orderSync history of the server against the current code: all ok, exit 0', async () => {
    const { code, stdout, stderr } = await cli(['replay', '--query', QUERY, '--limit', '200']);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    const summary = /^replay: histories=(\d+) ok=(\d+) nondeterministic=0 failed=0$/.exec(lines.at(-1)!);
    expect(summary, stdout).not.toBeNull();
    expect(summary![1]).toBe(summary![2]);
    // Ours are among them (the newest runs), each its own line.
    expect(Number(summary![1])).toBeGreaterThanOrEqual(ours.length);
    for (const id of ours)
      expect(
        lines.some((l) => l.startsWith(`${id} (orderSync, run `) && l.endsWith(' ok')),
        id,
      ).toBe(true);
    // Every line but the summary is a run's verdict, and every verdict is ok.
    expect(lines.slice(0, -1).filter((l) => !l.endsWith(' ok'))).toEqual([]);
    expect(lines.length - 1).toBe(Number(summary![1]));
  });

  it('--json for one store: exactly its runs, each ok; a run that cannot be fetched fails the gate', async () => {
    const { code, stdout } = await cli(['replay', '--query', `${QUERY} AND BcStoreHash="${stack.storeHash}"`, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Json;
    expect(report.outcomes.map((o: Json) => o.workflowId).sort()).toEqual([...ours].sort());
    expect(report.outcomes.every((o: Json) => o.status === 'ok' && o.workflowType === 'orderSync' && typeof o.runId === 'string')).toBe(true);
    expect(report.summary).toEqual({ histories: ours.length, ok: ours.length, nondeterministic: 0, failed: 0 });

    const missing = await cli(['replay', ours[0]!, `order:${stack.storeHash}:999999`]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`${ours[0]} (orderSync, run `);
    expect(missing.stdout).toMatch(new RegExp(`order:${stack.storeHash}:999999 failed: could not fetch its history: .*not found`, 'i'));
    expect(missing.stdout.trim().split('\n').at(-1)).toBe('replay: histories=2 ok=1 nondeterministic=0 failed=1');
    // Nothing matched is no pass either.
    const none = await cli(['replay', '--query', `${QUERY} AND BcStoreHash="no-such-store"`]);
    expect(none.code).toBe(1);
    expect(none.stdout.trim()).toBe('replay: histories=0 ok=0 nondeterministic=0 failed=0');
  });

  describe('a deliberately non-deterministic build', () => {
    let withExtraTimer: WorkflowBundleWithSourceMap;
    let timerAfterGate: WorkflowBundleWithSourceMap;
    const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    beforeAll(async () => {
      const bundle = (file: string) =>
        bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../replay/fixtures', file), failureConverterPath: FAILURE_CONVERTER_PATH, logger: silent });
      [withExtraTimer, timerAfterGate] = await Promise.all([bundle('with-extra-timer.ts'), bundle('timer-after-version-gate.ts')]);
    }, 120_000);

    /** The events of a run, read here (not through the replay module). */
    const eventsOf = async (workflowId: string) => (await stack.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const patchData = (e: Json): { id: string } | undefined => {
      const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      return data ? JSON.parse(Buffer.from(data).toString('utf8')) : undefined;
    };
    const idOf = (e: Json) => Number(String(e.eventId));

    it('an extra timer before everything: non-deterministic at the version gate marker, which the code no longer records first', async () => {
      const { outcomes, counts } = await replayTarget(stack.client, { query: QUERY, limit: 200 }, { workflowBundle: withExtraTimer, dataConverter: testDataConverter() });
      expect(counts.nondeterministic).toBeGreaterThanOrEqual(ours.length);
      for (const id of ours) {
        const o = outcomes.find((x) => x.workflowId === id)!;
        const events = await eventsOf(id);
        const marker = events.find((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && patchData(e)?.id === 'order-v3');
        expect(marker, id).toBeDefined();
        expect(o, id).toMatchObject({
          status: 'nondeterministic',
          divergence: { eventId: idOf(marker), expected: "patched('order-v3') marker", actual: "no patched('order-v3') call at that point" },
        });
        expect(o.divergence!.detail).toContain('Non-deprecated patch marker encountered for change order-v3');
      }
    });

    it('a timer after the version gate: non-deterministic at the next recorded step, the timer being the command that differs', async () => {
      const { outcomes, counts } = await replayTarget(
        stack.client,
        { query: `${QUERY} AND BcStoreHash="${stack.storeHash}"`, limit: 200 },
        { workflowBundle: timerAfterGate, dataConverter: testDataConverter() },
      );
      expect(counts).toEqual({ histories: ours.length, ok: 0, nondeterministic: ours.length, failed: 0 });
      for (const id of ours) {
        const events = await eventsOf(id);
        const markerAt = events.findIndex((e) => patchData(e)?.id === 'order-v3');
        // The step the history recorded after the gate (search attribute upserts aside, which the
        // SDK lets pass): the first activity, reading the order.
        const next = events.slice(markerAt + 1).find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)!;
        const activity = next.activityTaskScheduledEventAttributes!.activityType!.name;
        expect(activity, id).toBe('fetchOrderSnapshot');
        expect(
          outcomes.find((x) => x.workflowId === id),
          id,
        ).toMatchObject({
          status: 'nondeterministic',
          divergence: { eventId: idOf(next), expected: `ScheduleActivityTask ${activity}`, actual: 'StartTimer' },
        });
      }
    });
  });
});

describe('bcsync history export', () => {
  /** The customer's values, and the digits-only phone (a normalised copy would leak too). */
  const needles = () => [
    customer.email,
    customer.firstName,
    customer.lastName,
    customer.phone,
    customer.phone.replace(/\D/g, ''),
    customer.billingStreet,
    customer.shippingStreet,
    'leave at the back door',
  ];
  /** Every payload of a history as JSON, opened with the test key. */
  const decodedValues = async (history: unknown): Promise<Json[]> => {
    const codec = testDataConverter().payloadCodecs![0]!;
    const decoded = await codec.decode(
      payloadsOf(history).map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new TextEncoder().encode(v)])),
        data: new Uint8Array(p.data),
      })),
    );
    return decoded.map((p) => {
      const text = Buffer.from(p.data ?? new Uint8Array()).toString('utf8');
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    });
  };
  const texts = (history: unknown) => [JSON.stringify(history), ...payloadsOf(history).map((p) => p.data.toString('utf8'))].join('\n').toLowerCase();

  it('--scrub: no ciphertext and none of the customer, the same order otherwise, and it replays', async () => {
    const file = path.join(tmp, 'scrubbed.json');
    const { code, stderr } = await cli(['history', 'export', customerWorkflow, '--scrub', '--out', file]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('replays against the code at hand: ok');
    const scrubbed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    const payloads = payloadsOf(scrubbed);
    expect(payloads.filter((p) => p.encoding === ENCRYPTED_ENCODING)).toEqual([]);
    expect(new Set(payloads.map((p) => p.encoding))).toEqual(new Set(['json/plain']));
    const all = texts(scrubbed);
    for (const n of needles()) expect(all.includes(n.toLowerCase()), n).toBe(false);
    // The order is the same order: its read (the fetch activity's result) keeps id, lines and totals; the shopper is fake.
    const readOf = (values: Json[]) => values.find((v) => v?.order?.billingAddress)?.order;
    const original = readOf(await decodedValues(JSON.parse(historyToJSON(await stack.client.workflow.getHandle(customerWorkflow).fetchHistory()))));
    const read = readOf(payloads.map((p) => JSON.parse(p.data.toString('utf8'))));
    expect(original.billingAddress.email).toBe(customer.email);
    expect(read.lines).toEqual(original.lines);
    expect(read).toMatchObject({ id: original.id, totalIncTax: original.totalIncTax, currency: original.currency });
    expect(read.billingAddress).toMatchObject({ city: original.billingAddress.city, zip: original.billingAddress.zip });
    expect(read.billingAddress.email).toMatch(/@example\.com$/);
    expect(read.billingAddress.firstName).toHaveLength(customer.firstName.length);
    expect(read.billingAddress.firstName).not.toBe(customer.firstName);
    // It joins the replay test set: replayed as test/replay/replay.test.ts replays test/histories.
    await Worker.runReplayHistory(replayOptions(), historyFromJSON(scrubbed), 'scrubbed');
  });

  it('without --scrub: the history as Temporal stores it, encrypted, which also replays with the key', async () => {
    const { code, stdout, stderr } = await cli(['history', 'export', customerWorkflow]);
    expect(code, stderr).toBe(0);
    const raw = JSON.parse(stdout) as unknown;
    expect(payloadsOf(raw).some((p) => p.encoding === ENCRYPTED_ENCODING)).toBe(true);
    const all = texts(raw);
    for (const n of needles()) expect(all.includes(n.toLowerCase()), n).toBe(false);
    // Not vacuous: decoded with the key, the same history holds the customer.
    expect(JSON.stringify(await decodedValues(raw))).toContain(customer.email);
    await Worker.runReplayHistory(replayOptions(), historyFromJSON(raw), 'raw');
  });
});
