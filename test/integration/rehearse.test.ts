import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.resolve(__dirname, '../../dist/cli/bcsync.js');

/**
 * `bcsync rehearse` end to end, as a merchant runs it (the built CLI in its own process): a tiny
 * sale of 20 orders over half a minute on a quota of 20 calls per 30 s, time compressed 15x, so a
 * backlog builds and drains in seconds. The rehearsal starts its own Temporal dev server (with its
 * metrics endpoint), the sandboxes, the product's workers and API.
 */
describe('bcsync rehearse', () => {
  it('rehearses a tiny sale and writes a self-contained report and summary.json with nothing lost', async () => {
    expect(existsSync(CLI), `${CLI} is missing: npm test builds it first (npm run build)`).toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rehearse-it-'));
    const scenarioFile = path.join(dir, 'tiny.yaml');
    writeFileSync(
      scenarioFile,
      [
        'name: tiny',
        'plan: enterprise',
        'quota: 20',
        'timeScale: 15',
        'curve:',
        '  - { minute: 0, ordersPerMinute: 40 }',
        '  - { minute: 0.5, ordersPerMinute: 40 }',
        'linesPerOrder: 2',
        'paidShare: 0.8',
        'inventoryChangesPerMinute: 20',
        'catalogSize: 30',
        'seed: 7',
      ].join('\n'),
    );
    const out = path.join(dir, 'report');
    const child = spawn(process.execPath, [CLI, 'rehearse', '--scenario', scenarioFile, '--out', out], {
      env: { ...process.env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(0);
    expect(output).toMatch(/placed \d+\/20 {2}in ERP \d+ {2}backlog \d+/);

    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['orders', 'lost', 'drain_s', 'theoretical_s', 'p95_lag_s', 'calls_per_order', 'actions_per_order', 'sustained_orders_per_hour']) {
      expect(typeof summary[key], `${key} in ${JSON.stringify(summary)}`).toBe('number');
    }
    expect(summary.orders).toBe(20);
    expect(summary.lost, output).toBe(0);
    expect(summary.drain_s).toBeGreaterThan(0);
    expect(summary.theoretical_s).toBeGreaterThan(0);
    // Every order is read once and has its ERP id written back: at least 2 calls each.
    expect(summary.calls_per_order).toBeGreaterThanOrEqual(2);
    expect(summary.actions_per_order).toBeGreaterThan(0);
    // 18 usable calls per 30 s at 2 calls an order carry at most 1,080 orders an hour.
    expect(summary.sustained_orders_per_hour).toBeGreaterThan(0);
    expect(summary.sustained_orders_per_hour).toBeLessThanOrEqual(1_080);
    expect(summary).toMatchObject({ details: { quota: 20, usable_per_window: 18, missing: 0, total_mismatch: 0 } });

    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(6);
    expect(html).not.toMatch(/<script[^>]*\bsrc\s*=|<link[^>]*\bhref\s*=\s*["']?https?:|@import|url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?https?:/i);
    expect(html).toContain('Sale rehearsal: tiny');
  }, 60_000);
});
