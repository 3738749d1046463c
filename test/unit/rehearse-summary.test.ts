import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chartSpecs, escapeHtml, renderHtml, renderSvgs, thin } from '../../cli/rehearse/report';
import { resolveScenario } from '../../cli/rehearse/scenario';
import { computeSummary, describeOrderPath, isLost, percentile, sustainedOrdersPerHour, type CallRecord, type OrderRecord, type RunRecord } from '../../cli/rehearse/summary';
import { duration, verdictOf } from '../../cli/rehearse/verdict';
import { actionsBetween, parseActions, settledServerActions } from '../../cli/rehearse/witness';

/**
 * A run as the witnesses would record it, built by hand so every figure can be worked out on
 * paper: 270 orders placed at once on a store with quota 150 (135 usable at headroom 0.1), time
 * compressed 5x (6 s windows); the ERP gets them one every 24/270 s, so the last is in 24 s (120
 * store seconds) after the first; each order costs a read and a write-back, plus 10 stock calls.
 */
const T0 = 1_700_000_000_000;
const N = 270;
const STEP = 24_000 / N;

function run(over: Partial<RunRecord> = {}, orderOver: (o: OrderRecord, i: number) => OrderRecord = (o) => o): RunRecord {
  const orders: OrderRecord[] = Array.from({ length: N }, (_, i) =>
    orderOver({ id: 100 + i, createdMs: T0, syncedMs: T0 + (i + 1) * STEP, paid: true, bcTotal: '42.5000', erpTotal: '42.50' }, i),
  );
  const calls: CallRecord[] = [];
  orders.forEach((_o, i) => {
    const at = T0 + (i + 1) * STEP;
    calls.push({ atMs: at - 1, method: 'GET', route: '/v2/orders/{id}', status: 200 }, { atMs: at + 1, method: 'POST', route: '/v3/orders/{orderId}/metafields', status: 200 });
  });
  for (let i = 0; i < 10; i++) calls.push({ atMs: T0 + i * 2_000, method: 'GET', route: '/v3/inventory/items', status: 200 });
  const windows = Array.from({ length: 5 }, (_, w) => ({ startMs: T0 + w * 6_000, ours: 110, oursRefused: 0, others: 3 }));
  return {
    curve: [
      { minute: 0, ordersPerMinute: 2_700 },
      { minute: 0.1, ordersPerMinute: 2_700 },
    ],
    quota: 150,
    headroom: 0.1,
    factor: 5,
    lagThresholdS: 300,
    windowMs: 6_000,
    orders,
    calls,
    windows,
    actions: { total: N * 12, byType: { grpc_SignalWithStartWorkflowExecution: N, command_ScheduleActivityTask: N * 11 } },
    inventoryChanges: 10,
    startMs: T0 - 1_000,
    endMs: T0 + 30_000,
    ...over,
  };
}

describe('summary from the witnesses', () => {
  it('works out every summary.json figure from the records', () => {
    const { summary, details } = computeSummary(run());
    const otherPerHour = 10 / ((31 * 5) / 3600);
    expect(summary).toEqual({
      orders: 270,
      lost: 0,
      drain_s: 120,
      // 550 calls at 135 per 30 s = 4.5 a second
      theoretical_s: Number((550 / 4.5).toFixed(1)),
      // nearest rank: the 257th of 270 lags, (257 x 24/270 s) x 5
      p95_lag_s: Number((((257 * STEP) / 1000) * 5).toFixed(1)),
      calls_per_order: Number((550 / 270).toFixed(3)),
      actions_per_order: 12,
      sustained_orders_per_hour: Math.round((135 * 120 - otherPerHour) / 2),
    });
    expect(details).toMatchObject({
      usable_per_window: 135,
      order_calls_per_order: 2,
      other_calls: 10,
      calls_429: 0,
      missing: 0,
      total_mismatch: 0,
      peak_orders_per_hour: 162_000,
      placement_behind_s: 0,
      peak_backlog: 270,
      over_threshold: 0,
    });
    expect(details.drain_over_theoretical).toBeCloseTo(120 / (550 / 4.5), 3);
    // Synced at 270 per 120 store s while the backlog stayed above one window (67.5 orders).
    expect(details.measured_drain_orders_per_hour).toBeGreaterThan(7_800);
    expect(details.measured_drain_orders_per_hour).toBeLessThan(8_300);
    expect(details.backlog_window_use).not.toBeNull();
  });

  it('counts an order lost when the ERP has none, or its total differs from total_inc_tax', () => {
    expect(isLost({ id: 1, createdMs: 0, syncedMs: null, paid: true, bcTotal: '10', erpTotal: null })).toBe('missing');
    expect(isLost({ id: 1, createdMs: 0, syncedMs: 5, paid: true, bcTotal: '1178.3700', erpTotal: '1153.37' })).toBe('mismatch');
    expect(isLost({ id: 1, createdMs: 0, syncedMs: 5, paid: true, bcTotal: '1178.3700', erpTotal: '1178.37' })).toBeNull();
    const { summary, details } = computeSummary(run({}, (o, i) => (i === 3 ? { ...o, erpTotal: '17.50' } : i === 7 ? { ...o, syncedMs: null, erpTotal: null } : o)));
    expect(summary.lost).toBe(2);
    expect(details).toMatchObject({ missing: 1, total_mismatch: 1 });
  });

  it('has the plan carry nothing when even the no-backlog lag passes the threshold', () => {
    const { summary, details } = computeSummary(run({ lagThresholdS: 0.1 }));
    expect(details.capacity_orders_per_hour).toBeGreaterThan(7_000);
    expect(summary.sustained_orders_per_hour).toBe(0);
  });

  it('sustained rate: (usable calls an hour - other calls an hour) / calls per order', () => {
    expect(sustainedOrdersPerHour(150, 0.1, 2, 0)).toBe(8_100);
    expect(sustainedOrdersPerHour(450, 0.1, 2, 810)).toBe((405 * 120 - 810) / 2);
    expect(sustainedOrdersPerHour(150, 0.1, 0, 0)).toBe(0);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([], 95)).toBeNaN();
  });

  it("reads the Temporal server's action counter by type, for one namespace", () => {
    const page = [
      '# TYPE action counter',
      'action{action_type="grpc_SignalWithStartWorkflowExecution",namespace="default",service_name="frontend"} 12',
      'action{action_type="command_ScheduleActivityTask",namespace="default",service_name="history"} 30',
      'action{action_type="command_ScheduleActivityTask",namespace="other",service_name="history"} 99',
    ].join('\n');
    const after = parseActions(page, 'default');
    expect(after).toEqual({ total: 42, byType: { grpc_SignalWithStartWorkflowExecution: 12, command_ScheduleActivityTask: 30 } });
    expect(actionsBetween({ total: 10, byType: { command_ScheduleActivityTask: 10 } }, after)).toEqual({
      total: 32,
      byType: { grpc_SignalWithStartWorkflowExecution: 12, command_ScheduleActivityTask: 20 },
    });
  });

  it('waits for the counter to settle: the server publishes it once a second, so the first reading can lag', async () => {
    // Five actions taken just now reach the page at the next flush, a second later.
    const flushAt = Date.now() + 1_000;
    let reads = 0;
    const server = createServer((_req, res) => {
      reads++;
      res.end(`action{action_type="command_StartTimer",namespace="default"} ${Date.now() >= flushAt ? 5 : 0}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect((await settledServerActions(port, 'default')).total).toBe(5);
      expect(reads).toBe(3); // 0, then 5, then 5 again: settled
    } finally {
      server.close();
    }
  }, 20_000);
});

describe('the verdict in words', () => {
  const scenario = resolveScenario({
    name: 'test',
    plan: 'standard',
    timeScale: 5,
    curve: [
      { minute: 0, ordersPerMinute: 2_700 },
      { minute: 0.1, ordersPerMinute: 2_700 },
    ],
  });

  it('states the capacity with its arithmetic, the drain against the quota, and the levers', () => {
    const c = computeSummary(run());
    const v = verdictOf(scenario, 150, c.summary, c.details);
    expect(v.capacity).toContain(`carries about ${c.summary.sustained_orders_per_hour.toLocaleString('en-US')} orders an hour`);
    expect(v.capacity).toContain('bcsync uses 135 and leaves 15 to your other apps at headroom 0.1');
    expect(v.sale).toContain('so a backlog built: 270 orders waiting at its peak');
    expect(v.sale).toContain(`took ${duration(120)} from the first placed to the last in the ERP`);
    expect(v.sale).toContain('(the goal is at most 1.05x)');
    expect(v.sale).toContain('Nothing was lost');
    expect(v.changes.find((x) => x.startsWith('Plan: the Pro plan'))).toMatch(/carries about 24,\d{3} orders an hour/);
    expect(v.changes.find((x) => x.startsWith('Headroom:'))).toContain('would use 149 of every 150 calls');
    expect(v.changes.some((x) => x.startsWith('Priorities:'))).toBe(true);
    expect(v.headline).toMatch(/^Standard store: carries about 7,\d{3} orders an hour with lag under 5 min 00 s\. .*Nothing lost\.$/);
  });

  it('says LOST with the counts, and when the drain was slower than the quota allows', () => {
    const c = computeSummary(run({}, (o, i) => (i === 0 ? { ...o, syncedMs: null, erpTotal: null } : o)));
    const v = verdictOf(scenario, 150, c.summary, c.details);
    expect(v.headline).toContain('1 orders LOST');
    expect(v.sale).toContain("1 orders were LOST: 1 never reached the ERP and 0 reached it with a total other than BigCommerce's");
    // Twice as slow: the ERP got the orders over 48 s instead of 24 s with the same calls.
    const slow = computeSummary(run({ endMs: T0 + 60_000 }, (o, i) => ({ ...o, syncedMs: T0 + (i + 1) * STEP * 2 })));
    expect(verdictOf(scenario, 150, slow.summary, slow.details).sale).toContain('above the goal of 1.05x: the quota was not kept busy all along');
  });

  it('says when the sale stayed within what the plan carries', () => {
    const gentle = resolveScenario({
      name: 'gentle',
      curve: [
        { minute: 0, ordersPerMinute: 10 },
        { minute: 27, ordersPerMinute: 10 },
      ],
    });
    const c = computeSummary(run({ curve: gentle.curve }));
    expect(verdictOf(gentle, 150, c.summary, c.details).sale).toContain('within what the plan carries');
  });

  it('formats durations for people', () => {
    expect(duration(45.4)).toBe('45 s');
    expect(duration(185)).toBe('3 min 05 s');
    expect(duration(3720)).toBe('1 h 02 min');
    expect(duration(Number.NaN)).toBe('n/a');
  });
});

describe('the report', () => {
  it('renders every chart to inline SVG in one page with no external script, style or font', async () => {
    const scenario = resolveScenario({
      name: 'a <b>& "c"',
      curve: [
        { minute: 0, ordersPerMinute: 2_700 },
        { minute: 0.1, ordersPerMinute: 2_700 },
      ],
    });
    const computed = computeSummary(run());
    const charts = chartSpecs(computed, scenario);
    expect(charts.map((c) => c.id)).toEqual(['quota', 'backlog', 'lag', 'percentiles', 'calls', 'actions']);
    const svgs = await renderSvgs(charts);
    for (const c of charts) expect(svgs.get(c.id)).toMatch(/^<svg[^>]*>.*<\/svg>$/s);
    const html = renderHtml({
      scenario,
      computed,
      verdict: verdictOf(scenario, 150, computed.summary, computed.details),
      charts,
      svgs,
      generatedAt: '2026-12-03T00:00:00Z',
      wallS: 40,
    });
    expect(html.match(/<svg/g)).toHaveLength(6);
    expect(html).not.toMatch(/<script|<link|@import|@font-face|<img|<iframe/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?https?:/i);
    expect(html).toContain('Sale rehearsal: a &lt;b&gt;&amp; &quot;c&quot;');
    expect(escapeHtml(`<'&">`)).toBe('&lt;&#39;&amp;&quot;&gt;');
    expect(thin([1, 2, 3, 4, 5, 6], 3)).toEqual([1, 3, 5]);
  });
});

describe("an order's path from its history", () => {
  it('says when the event came and how long each activity queued and ran, in store seconds', () => {
    const line = describeOrderPath(
      1207,
      1_000,
      418.2,
      [
        { what: 'webhook', atMs: 1_120 },
        { what: 'fetchOrder', atMs: 1_200, scheduledMs: 1_200, startedMs: 61_200, closedMs: 61_240, outcome: 'completed' },
        { what: 'upsertSalesOrder', atMs: 61_300, scheduledMs: 61_300, startedMs: 61_400, outcome: undefined },
      ],
      5,
    );
    expect(line).toBe('order 1207 (lag 418 s): event +0.6 s; fetchOrder at +1.0 s queued 300.0 s, ran 0.2 s; upsertSalesOrder at +301.5 s queued 0.5 s, ran ?');
  });
});
