import { metricsRegistry } from '../../lib/metrics';

/**
 * BigCommerce 429s per minute, from this process's metrics and any other processes' /metrics
 * (METRICS_SCRAPE_URLS), measured between two calls: the alert monitor calls it once per interval.
 */
let last: { atMs: number; total: number } | undefined;

export async function collect429PerMinute(scrapeUrls: string[], fetchImpl: typeof fetch = fetch): Promise<number> {
  let total = sum429(await metricsRegistry.metrics());
  for (const url of scrapeUrls) {
    try {
      total += sum429(await (await fetchImpl(url, { signal: AbortSignal.timeout(5_000) })).text());
    } catch {
      // A process that does not answer contributes nothing; its own alerts are another matter.
    }
  }
  const now = Date.now();
  const previous = last;
  last = { atMs: now, total };
  if (!previous || now <= previous.atMs) return 0;
  return (Math.max(0, total - previous.total) * 60_000) / (now - previous.atMs);
}

/** Sum of every bcsync_bigcommerce_429_total sample in a Prometheus text page. */
export function sum429(text: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^bcsync_bigcommerce_429_total(?:\{[^}]*\})? ([0-9.eE+-]+)$/.exec(line.trim());
    if (m) total += Number(m[1]);
  }
  return total;
}
