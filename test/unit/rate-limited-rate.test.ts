import { describe, expect, it } from 'vitest';
import { bcRateLimited } from '../../lib/metrics';
import { collect429PerMinute, sum429 } from '../../activities/monitoring/rate-limited-rate';

describe('the 429 rate behind the bigcommerce-429 alert', () => {
  it('adds up every bcsync_bigcommerce_429_total sample of a Prometheus page, and nothing else', () => {
    const page = [
      '# HELP bcsync_bigcommerce_429_total BigCommerce 429 answers',
      '# TYPE bcsync_bigcommerce_429_total counter',
      'bcsync_bigcommerce_429_total{store="a",kind="rate_limited"} 7',
      'bcsync_bigcommerce_429_total{store="b",kind="platform_load"} 3',
      'bcsync_bigcommerce_calls_total{store="a",method="GET",route="/v2/orders",status="429"} 100',
      'bcsync_bigcommerce_429_total_other 50',
    ].join('\n');
    expect(sum429(page)).toBe(10);
    expect(sum429('')).toBe(0);
  });

  it('is a per-minute rate between two checks, over this process and the scraped ones; a dead scrape target adds nothing', async () => {
    let scraped = 0;
    const fakeFetch = (async (url: string | URL | Request) => {
      if (String(url).includes('dead')) throw new Error('connect ECONNREFUSED');
      return new Response(`bcsync_bigcommerce_429_total{store="a",kind="rate_limited"} ${scraped}\n`);
    }) as typeof fetch;
    const urls = ['http://worker-2:9464/metrics', 'http://dead:9464/metrics'];
    const before = Date.now();
    expect(await collect429PerMinute(urls, fakeFetch)).toBe(0); // the first check has nothing to compare with
    bcRateLimited.inc({ store: 'unit', kind: 'rate_limited' }, 6);
    scraped += 6;
    await new Promise((r) => setTimeout(r, 200));
    const rate = await collect429PerMinute(urls, fakeFetch);
    const outerMin = (Date.now() - before) / 60_000;
    // 12 new 429s over ~0.2 s: ~3,600 a minute, bounded by the time measured around the two checks.
    expect(rate).toBeGreaterThanOrEqual(12 / outerMin);
    expect(rate).toBeLessThanOrEqual(12 / (195 / 60_000));
    // Nothing new: the rate falls to 0.
    expect(await collect429PerMinute(urls, fakeFetch)).toBe(0);
  });
});
