import { createServer } from 'node:net';

/**
 * Independent witnesses for bench figures: what the systems themselves recorded, never the
 * product's own counters.
 * - Temporal: the server's `action` counter (what Temporal Cloud bills), scraped from its
 *   Prometheus endpoint (`temporal server start-dev --metrics-port`).
 * - BigCommerce: the sandbox store's request log (`GET /__sandbox/requests`), every call counted
 *   by method and route, lookups and refused calls included.
 */

/** A free TCP port on loopback (for the dev server's metrics endpoint). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface ActionCount {
  total: number;
  byType: Record<string, number>;
}

/** Sums the server's `action{namespace=...}` samples by `action_type`. */
export function parseActionMetric(text: string, namespace = 'default'): ActionCount {
  const byType: Record<string, number> = {};
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('action{')) continue;
    const close = line.lastIndexOf('}');
    const labels = line.slice('action{'.length, close);
    const value = Number(line.slice(close + 1).trim());
    if (!Number.isFinite(value)) continue;
    const ns = /(?:^|,)namespace="([^"]*)"/.exec(labels)?.[1];
    if (ns !== namespace) continue;
    const type = /(?:^|,)action_type="([^"]*)"/.exec(labels)?.[1] ?? 'unknown';
    byType[type] = (byType[type] ?? 0) + value;
    total += value;
  }
  return { total, byType };
}

/** The Temporal server's billable actions so far in `namespace`. Throws when the endpoint does not answer. */
export async function temporalActions(metricsPort: number, namespace = 'default'): Promise<ActionCount> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  if (!res.ok) throw new Error(`Temporal metrics answered ${res.status}`);
  return parseActionMetric(await res.text(), namespace);
}

/** What happened between two readings of the action counter. */
export function actionsBetween(before: ActionCount, after: ActionCount): ActionCount {
  const byType: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byType)) {
    const d = v - (before.byType[k] ?? 0);
    if (d !== 0) byType[k] = d;
  }
  return { total: after.total - before.total, byType };
}

export interface BcRequestCount {
  method: string;
  route: string;
  status: number;
  clientId: string;
  count: number;
}

/** The BigCommerce sandbox's own request counts (every request it answered). */
export async function bcRequestCounts(bcUrl: string): Promise<BcRequestCount[]> {
  const res = await fetch(`${bcUrl}/__sandbox/requests`);
  if (!res.ok) throw new Error(`GET /__sandbox/requests answered ${res.status}`);
  return ((await res.json()) as { counts: BcRequestCount[] }).counts;
}

/** Clears the sandbox's request log, so the next reading counts one phase only. */
export async function clearBcRequests(bcUrl: string): Promise<void> {
  const res = await fetch(`${bcUrl}/__sandbox/requests`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`DELETE /__sandbox/requests answered ${res.status}`);
}

/** Total of `counts` matching a filter, e.g. one client's calls or one route's. */
export function sumRequests(counts: BcRequestCount[], match: (c: BcRequestCount) => boolean = () => true): number {
  return counts.filter(match).reduce((s, c) => s + c.count, 0);
}

/** `{"GET /v2/orders/{id}": 2000, ...}` for a report. */
export function byRoute(counts: BcRequestCount[], match: (c: BcRequestCount) => boolean = () => true): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of counts.filter(match)) out[`${c.method} ${c.route}`] = (out[`${c.method} ${c.route}`] ?? 0) + c.count;
  return out;
}
