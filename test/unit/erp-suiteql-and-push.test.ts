import { createServer, type Server } from 'node:http';
import type { Request } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { ErpEventPusher } from '../../sandbox/erp/events';
import { formatTimestamp, parseToTimestamp, SuiteQlRegistry } from '../../sandbox/erp/suiteql';

const req = (q: string, query: Record<string, string> = {}) => ({ body: { q }, query }) as unknown as Request;

describe('ERP sandbox SuiteQL registry', () => {
  const registry = new SuiteQlRegistry();
  registry.register({
    name: 'numbers',
    pattern: /^SELECT n FROM numbers WHERE n >= (\d+)/i,
    rows: (m) => Array.from({ length: 2500 }, (_, i) => ({ n: i })).filter((r) => r.n >= Number(m[1])),
  });

  it('pages by limit and offset with hasMore, totalResults and a next link', () => {
    const first = registry.answer(req('SELECT n FROM numbers WHERE n >= 0', { limit: '1000', offset: '0' }), 'http://erp/q') as {
      items: Array<{ n: number }>;
      hasMore: boolean;
      totalResults: number;
      links: Array<{ rel: string }>;
    };
    expect(first.items).toHaveLength(1000);
    expect(first.hasMore).toBe(true);
    expect(first.totalResults).toBe(2500);
    expect(first.links.map((l) => l.rel)).toEqual(['self', 'next']);
    const last = registry.answer(req('SELECT n FROM numbers WHERE n >= 0', { limit: '1000', offset: '2000' }), 'http://erp/q') as { items: Array<{ n: number }>; hasMore: boolean };
    expect(last.items.map((i) => i.n)).toEqual(Array.from({ length: 500 }, (_, i) => 2000 + i));
    expect(last.hasMore).toBe(false);
  });

  it('refuses a query it does not know, a limit above 1000 and an offset off the page grid', () => {
    expect(() => registry.answer(req('SELECT * FROM transaction'), 'x')).toThrow(/knows: numbers/);
    expect(() => registry.answer(req('SELECT n FROM numbers WHERE n >= 0', { limit: '1001' }), 'x')).toThrow(/limit/);
    expect(() => registry.answer(req('SELECT n FROM numbers WHERE n >= 0', { limit: '100', offset: '50' }), 'x')).toThrow(/multiple/);
  });

  it('reads and prints timestamps the way the queries carry watermarks', () => {
    const ms = Date.UTC(2026, 10, 27, 10, 0, 1, 250);
    expect(parseToTimestamp(formatTimestamp(ms))).toBe(ms);
    expect(() => parseToTimestamp('27/11/2026')).toThrow(/timestamp/);
  });
});

describe('ERP sandbox event push', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('batches, retries a 503 until accepted, and loses nothing', async () => {
    const got: string[] = [];
    let refuse = 2;
    server = createServer((rq, rs) => {
      let body = '';
      rq.on('data', (c) => (body += c));
      rq.on('end', () => {
        if (refuse-- > 0) return void rs.writeHead(503).end('{}');
        got.push(...(JSON.parse(body) as { events: Array<{ eventId: string }> }).events.map((e) => e.eventId));
        rs.writeHead(202).end('{}');
      });
    }).listen(0);
    await new Promise((r) => server!.once('listening', r));
    const pusher = new ErpEventPusher();
    Object.assign(pusher.settings, { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, batchMax: 3, flushMs: 1 });
    for (let i = 0; i < 7; i++) pusher.emit({ type: 'item.changed', sku: `S${i}`, changedAt: '2026-11-27T10:00:00Z' });
    await pusher.drain();
    expect(got).toEqual(Array.from({ length: 7 }, (_, i) => `erp-evt-${i + 1}`));
    expect(pusher.stats).toMatchObject({ emitted: 7, delivered: 7, failedPosts: 2, givenUp: 0, dropped: 0 });
  });

  it('drops the configured share of events (what the sweep must make good)', async () => {
    const pusher = new ErpEventPusher(() => 0.1);
    Object.assign(pusher.settings, { url: 'http://127.0.0.1:9/', dropRate: 0.5 });
    pusher.emit({ type: 'item.changed', sku: 'S', changedAt: '2026-11-27T10:00:00Z' });
    expect(pusher.stats.dropped).toBe(1);
    pusher.stop();
  });
});
