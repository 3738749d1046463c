import { createServer } from 'node:net';

/**
 * The Temporal server's own `action` counter (what Temporal Cloud bills), read from its Prometheus
 * endpoint (`temporal server start-dev --metrics-port`). The benches read it through
 * bench/support/witness.ts; it lives here because the CLI cannot import bench/: bench/ is not part
 * of the built package or the image (Dockerfile), and the CLI must run from dist/ alone.
 */
export interface ActionCount {
  total: number;
  byType: Record<string, number>;
}

/** Sums the `action{namespace=...}` samples of a Prometheus text page by `action_type`. */
export function parseActions(text: string, namespace: string): ActionCount {
  const byType: Record<string, number> = {};
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('action{')) continue;
    const close = line.lastIndexOf('}');
    const labels = line.slice('action{'.length, close);
    const value = Number(line.slice(close + 1).trim());
    if (!Number.isFinite(value) || /(?:^|,)namespace="([^"]*)"/.exec(labels)?.[1] !== namespace) continue;
    const type = /(?:^|,)action_type="([^"]*)"/.exec(labels)?.[1] ?? 'unknown';
    byType[type] = (byType[type] ?? 0) + value;
    total += value;
  }
  return { total, byType };
}

export async function serverActions(metricsPort: number, namespace: string): Promise<ActionCount> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  if (!res.ok) throw new Error(`the Temporal server's metrics answered ${res.status}`);
  return parseActions(await res.text(), namespace);
}

/**
 * The Temporal server reports its counters to Prometheus once a second (tally's report interval in
 * common/metrics/config.go): a reading taken right after the last action can miss it. This reads
 * until two readings 1.5 s apart agree (at most `timeoutMs`), so a witness counts every action.
 */
export async function settledServerActions(metricsPort: number, namespace: string, timeoutMs = 15_000): Promise<ActionCount> {
  const deadline = Date.now() + timeoutMs;
  let last = await serverActions(metricsPort, namespace);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const now = await serverActions(metricsPort, namespace);
    if (now.total === last.total || Date.now() > deadline) return now;
    last = now;
  }
}

export function actionsBetween(before: ActionCount, after: ActionCount): ActionCount {
  const byType: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byType)) {
    const d = v - (before.byType[k] ?? 0);
    if (d !== 0) byType[k] = d;
  }
  return { total: after.total - before.total, byType };
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
