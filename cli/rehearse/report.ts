import { pathToFileURL } from 'node:url';
import type { Scenario } from './scenario';
import type { Computed } from './summary';
import { duration, type Verdict } from './verdict';

/**
 * The report: Vega-Lite specs for the charts (pure), compiled and rendered to static SVG in Node
 * (Vega's headless View, renderer 'none', `toSVG()`: no browser, no canvas, no network), then one
 * self-contained index.html with the SVGs inline (no script, font or stylesheet from anywhere).
 */

/** A Vega-Lite spec as plain data (vega-lite's own types are not reachable from this CommonJS build). */
export type VegaLiteSpec = Record<string, unknown>;

export interface Chart {
  id: string;
  title: string;
  /** How to read it, one or two sentences. */
  caption: string;
  spec: VegaLiteSpec;
}

const WIDTH = 900;
const HEIGHT = 240;
const FONT = 'Helvetica, Arial, sans-serif';
const config = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'top', labelLimit: 400 },
};

/** At most `max` points, every k-th kept (the lag scatter of a long sale would make a heavy page). */
export function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)]!);
}

export function chartSpecs(c: Computed, s: Scenario): Chart[] {
  const minutes = (t: number) => Number((t / 60).toFixed(3));
  const windowRows = c.series.windows.flatMap((w) => [
    { t_min: minutes(w.t_s), t_end: minutes(w.t_s) + 0.5, kind: 'bcsync (allowed)', calls: w.ours },
    { t_min: minutes(w.t_s), t_end: minutes(w.t_s) + 0.5, kind: 'bcsync (refused, 429)', calls: w.refused },
    { t_min: minutes(w.t_s), t_end: minutes(w.t_s) + 0.5, kind: 'other apps', calls: w.others },
  ]);
  const quotaLines = [
    { y: c.details.usable_per_window, label: `usable by bcsync (${c.details.usable_per_window})` },
    { y: c.details.quota, label: `quota (${c.details.quota})` },
  ];
  const backlogRows = c.series.backlog.flatMap((b) => [
    { t_min: minutes(b.t_s), series: 'placed in BigCommerce', orders: b.placed },
    { t_min: minutes(b.t_s), series: 'sales order in the ERP', orders: b.synced },
  ]);
  const lagRows = thin(c.series.lag, 4000).map((l) => ({ t_min: minutes(l.t_s), lag_min: Number((l.lag_s / 60).toFixed(3)) }));
  const threshold = Number((s.lagThresholdS / 60).toFixed(3));
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: WIDTH, height: HEIGHT, config };
  const x = { field: 't_min', type: 'quantitative', title: 'store time since the first order (min)' };
  return [
    {
      id: 'quota',
      title: 'Quota use per 30 s window',
      caption: `Calls the store counted in each of its rate-limit windows (the sandbox limiter's own log), bcsync's and other apps'. bcsync should fill its usable share (${c.details.usable_per_window}) while a backlog waits, and never cross the quota (${c.details.quota}).`,
      spec: {
        ...base,
        layer: [
          {
            data: { values: windowRows },
            mark: { type: 'bar', binSpacing: 1 },
            encoding: {
              x: { ...x, bin: { binned: true } },
              x2: { field: 't_end' },
              y: { field: 'calls', type: 'quantitative', stack: 'zero', title: 'calls in the window' },
              color: {
                field: 'kind',
                type: 'nominal',
                title: null,
                scale: { domain: ['bcsync (allowed)', 'bcsync (refused, 429)', 'other apps'], range: ['#4c78a8', '#e45756', '#bab0ac'] },
              },
            },
          },
          {
            data: { values: quotaLines },
            mark: { type: 'rule', strokeDash: [4, 3] },
            encoding: { y: { field: 'y', type: 'quantitative' }, color: { value: '#333' } },
          },
          {
            data: { values: quotaLines },
            mark: { type: 'text', align: 'right', dx: -4, dy: -6, fontSize: 11 },
            encoding: { y: { field: 'y', type: 'quantitative' }, x: { value: WIDTH }, text: { field: 'label' } },
          },
        ],
      },
    },
    {
      id: 'backlog',
      title: 'Orders placed and in the ERP, and the backlog',
      caption:
        "Orders created in BigCommerce (the store's records) and sales orders created in the ERP (the ERP's records) over time; the gap between the lines is the backlog, shaded below.",
      spec: {
        ...base,
        vconcat: [
          {
            width: WIDTH,
            height: HEIGHT,
            data: { values: backlogRows },
            mark: { type: 'line', interpolate: 'step-after' },
            encoding: { x, y: { field: 'orders', type: 'quantitative', title: 'orders (cumulative)' }, color: { field: 'series', type: 'nominal', title: null } },
          },
          {
            width: WIDTH,
            height: 140,
            data: { values: c.series.backlog.map((b) => ({ t_min: minutes(b.t_s), backlog: b.backlog })) },
            mark: { type: 'area', interpolate: 'step-after', color: '#f58518', opacity: 0.7 },
            encoding: { x, y: { field: 'backlog', type: 'quantitative', title: 'backlog (orders)' } },
          },
        ],
      },
    },
    {
      id: 'lag',
      title: 'Order lag over time',
      caption: `Each dot is an order: when it was placed, and how long until its sales order existed in the ERP (store minutes). The dashed line is your threshold (${threshold} min).`,
      spec: {
        ...base,
        layer: [
          {
            data: { values: lagRows },
            mark: { type: 'circle', size: lagRows.length > 1000 ? 10 : 30, opacity: 0.6, color: '#4c78a8' },
            encoding: { x, y: { field: 'lag_min', type: 'quantitative', title: 'lag (min)' } },
          },
          {
            data: { values: [{ y: threshold }] },
            mark: { type: 'rule', strokeDash: [4, 3], color: '#e45756' },
            encoding: { y: { field: 'y', type: 'quantitative' } },
          },
        ],
      },
    },
    {
      id: 'percentiles',
      title: 'Lag percentiles',
      caption: 'The lag that this share of orders stayed within (p95: 95 of every 100 orders reached the ERP within this time; p100 is the slowest order).',
      spec: {
        ...base,
        height: 200,
        data: { values: c.series.percentiles.map((p) => ({ p: `p${p.p}`, lag_min: Number((p.lag_s / 60).toFixed(3)) })) },
        layer: [
          {
            mark: { type: 'bar', color: '#54a24b' },
            encoding: {
              x: { field: 'p', type: 'ordinal', sort: null, title: 'percentile', axis: { labelAngle: 0 } },
              y: { field: 'lag_min', type: 'quantitative', title: 'lag (min)' },
            },
          },
          {
            mark: { type: 'text', dy: -6, fontSize: 11 },
            encoding: {
              x: { field: 'p', type: 'ordinal', sort: null },
              y: { field: 'lag_min', type: 'quantitative' },
              text: { field: 'lag_min', type: 'quantitative', format: '.2f' },
            },
          },
        ],
      },
    },
    {
      id: 'calls',
      title: 'BigCommerce calls per order, by route',
      caption: "Every call of bcsync's API client in the store's request log, divided by the orders placed (stock writes and lookups included: they share the quota).",
      spec: barsPerOrder(
        c.series.callsPerOrder.map((r) => ({ name: r.route, per_order: r.per_order })),
        'route',
        '#4c78a8',
      ),
    },
    {
      id: 'actions',
      title: 'Temporal billable actions per order, by type',
      caption:
        "The Temporal server's own action metric (what Temporal Cloud bills) over the run, divided by the orders placed: every workflow, signal, activity and timer, inventory and stock work included.",
      spec: barsPerOrder(
        c.series.actionsPerOrder.map((r) => ({ name: r.type, per_order: r.per_order })),
        'action type',
        '#b279a2',
      ),
    },
  ];
}

function barsPerOrder(rows: Array<{ name: string; per_order: number }>, what: string, color: string): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH - 330,
    height: { step: 20 },
    config,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar', color },
        encoding: {
          y: { field: 'name', type: 'nominal', sort: null, title: what, axis: { labelLimit: 320 } },
          x: { field: 'per_order', type: 'quantitative', title: 'per order' },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 11 },
        encoding: {
          y: { field: 'name', type: 'nominal', sort: null },
          x: { field: 'per_order', type: 'quantitative' },
          text: { field: 'per_order', type: 'quantitative', format: '.3~f' },
        },
      },
    ],
  };
}

interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, opts: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

/**
 * vega and vega-lite are ES modules with top-level await: `require` (what this CommonJS build turns
 * `import()` into) cannot load them, so the import is made at run time by Node itself.
 */
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
async function load<T>(name: string): Promise<T> {
  try {
    return (await importEsm(pathToFileURL(require.resolve(name)).href)) as T;
  } catch (err) {
    // Inside a VM context without Node's import hook (vitest), the host's own import() works instead.
    if (!(err instanceof TypeError && /dynamic import callback/.test(err.message))) throw err;
    return (await import(name)) as T;
  }
}

/** Each chart's Vega-Lite spec compiled to Vega and rendered to an SVG string. */
export async function renderSvgs(charts: readonly Chart[]): Promise<Map<string, string>> {
  const [vega, vl] = await Promise.all([load<VegaModule>('vega'), load<VegaLiteModule>('vega-lite')]);
  const out = new Map<string, string>();
  for (const chart of charts) {
    const view = new vega.View(vega.parse(vl.compile(chart.spec).spec), { renderer: 'none' });
    out.set(chart.id, await view.toSVG());
    view.finalize();
  }
  return out;
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** What each summary.json field means, shown beside it. */
export const FIELD_NOTES: Record<string, string> = {
  orders: 'orders placed in the BigCommerce sandbox, as the curve asked',
  lost: "orders with no ERP sales order, or one whose total differs from BigCommerce's total_inc_tax, at the end",
  drain_s: 'store seconds from the first order placed to the last sales order created in the ERP',
  theoretical_s: 'every BigCommerce call of the run / the usable quota rate (quota less headroom, per 30 s)',
  p95_lag_s: '95th percentile of order placed -> sales order in the ERP, store seconds',
  calls_per_order: "all of bcsync's BigCommerce calls (store request log) / orders",
  actions_per_order: 'Temporal billable actions (server metric) over the run / orders',
  sustained_orders_per_hour: "the steady rate the plan carries before lag passes the threshold: (usable calls an hour - other work's calls an hour) / order calls per order",
};

export interface ReportInput {
  scenario: Scenario;
  computed: Computed;
  verdict: Verdict;
  charts: readonly Chart[];
  svgs: ReadonlyMap<string, string>;
  generatedAt: string;
  wallS: number;
}

const CSS = `
body{font-family:${FONT};margin:0;background:#f6f6f4;color:#222;line-height:1.45}
main{max-width:1000px;margin:0 auto;padding:24px 28px 60px;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666;font-size:13px}.headline{font-size:16px;background:#eef4fa;border-left:4px solid #4c78a8;padding:10px 14px;margin:16px 0}
.lost{background:#fdecea;border-left-color:#e45756}
table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border-bottom:1px solid #eee;padding:4px 10px 4px 0;text-align:left;vertical-align:top}
td.v{font-weight:bold;white-space:nowrap;text-align:right;padding-right:16px}figure{margin:10px 0 22px}figcaption{font-size:13px;color:#555;margin:4px 0}
pre{background:#f3f3f3;padding:10px;font-size:12px;overflow-x:auto}li{margin:4px 0}svg{max-width:100%;height:auto}
`;

export function renderHtml(r: ReportInput): string {
  const { summary, details } = r.computed;
  const e = escapeHtml;
  const rows = Object.entries(summary)
    .map(([k, v]) => `<tr><th>${e(k)}</th><td class="v">${e(String(v))}</td><td>${e(FIELD_NOTES[k] ?? '')}</td></tr>`)
    .join('');
  const detailRows = Object.entries(details)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([k, v]) => `<tr><th>${e(k)}</th><td class="v">${e(String(v))}</td></tr>`)
    .join('');
  const figures = r.charts.map((c) => `<figure id="${e(c.id)}"><h2>${e(c.title)}</h2><figcaption>${e(c.caption)}</figcaption>${r.svgs.get(c.id) ?? ''}</figure>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>bcsync rehearsal: ${e(r.scenario.name)}</title><style>${CSS}</style></head>
<body><main>
<h1>Sale rehearsal: ${e(r.scenario.name)}</h1>
<div class="sub">${e(r.scenario.description ?? '')} Generated ${e(r.generatedAt)} by <code>bcsync rehearse</code> against the BigCommerce, ERP and OMS sandboxes and a Temporal dev server, time compressed ${e(String(details.time_scale))}x (${duration(r.wallS)} of wall-clock time). All times below are the store's.</div>
<div class="headline${summary.lost > 0 ? ' lost' : ''}">${e(r.verdict.headline)}</div>
<h2>Verdict</h2>
<p>${e(r.verdict.capacity)}</p>
<p>${e(r.verdict.sale)}</p>
<p><strong>What would change it</strong></p>
<ul>${r.verdict.changes.map((c) => `<li>${e(c)}</li>`).join('')}</ul>
${r.verdict.caveats.length ? `<p><strong>Caveats</strong></p><ul>${r.verdict.caveats.map((c) => `<li>${e(c)}</li>`).join('')}</ul>` : ''}
<h2>Summary (summary.json)</h2>
<table>${rows}</table>
${figures}
${details.slowest_orders.length ? `<h2>Where the last and the slowest orders waited</h2><p class="sub">From each order's workflow history (the Temporal server's record): when its first event came in, and for each activity how long it waited on its task queue (the BigCommerce queue waits for quota) and how long it ran; store seconds from the order's creation.</p><ul>${details.slowest_orders.map((l) => `<li>${e(l)}</li>`).join('')}</ul>` : ''}
<h2>All figures</h2>
<table>${detailRows}</table>
<h2>The sale as described</h2>
<pre>${e(JSON.stringify(r.scenario, null, 2))}</pre>
<p class="sub">Witnesses: BigCommerce calls from the BigCommerce sandbox's request log and rate limiter's log; orders' creation times from the BigCommerce sandbox's records; sales orders, their creation times and totals from the ERP sandbox's records and API; billable actions from the Temporal server's own action metric. None of these figures comes from bcsync's own counters.</p>
</main></body></html>
`;
}
