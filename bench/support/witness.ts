import { type ActionCount, settledServerActions } from '../../cli/rehearse/witness';

/**
 * Independent witnesses for bench figures: what the systems themselves recorded, never the
 * product's own counters.
 * - Temporal: the server's `action` counter (what Temporal Cloud bills), scraped from its
 *   Prometheus endpoint (`temporal server start-dev --metrics-port`).
 * - BigCommerce: the sandbox store's request log (`GET /__sandbox/requests`), every call counted
 *   by method and route, lookups and refused calls included.
 */

// The Temporal side is the reading `bcsync rehearse` makes (the CLI cannot import bench/, so the
// benches import it): a free port for the dev server's metrics endpoint, the action counter, and
// what happened between two readings.
export { type ActionCount, actionsBetween, freePort } from '../../cli/rehearse/witness';

/**
 * The Temporal server's billable actions so far in `namespace`, read until settled (the server
 * publishes its counters once a second). Throws when the endpoint does not answer.
 */
export function temporalActions(metricsPort: number, namespace = 'default'): Promise<ActionCount> {
  return settledServerActions(metricsPort, namespace);
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
