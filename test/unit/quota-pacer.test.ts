import { describe, expect, it } from 'vitest';
import { QuotaPacer } from '../../connectors/bigcommerce/quota-pacer';
import { seededRandom } from '../../sandbox/random';

/**
 * A millisecond-step simulation of one store: BigCommerce's fixed windows and shared quota, other
 * apps spending at a steady pace, our calls taking `latencyMs` each, and a Temporal-like dispatcher
 * offering us at most `dispatchPerSecond` calls. The pacer decides when each offered call starts.
 */
function simulate(opts: { quota: number; windowMs: number; othersShare: number; dispatchPerSecond: number; latencyMs: number; durationMs: number; paced?: boolean }) {
  let now = 0;
  const pacer = new QuotaPacer({ now: () => now, random: seededRandom(1) });
  const paced = opts.paced ?? true;
  let windowStart = 0;
  let used = 0;
  let othersUsed = 0;
  let ours = 0;
  let ours429 = 0;
  let others429 = 0;
  const pending: Array<{ doneAt: number; seq: number; status: number; left: number; resetMs: number }> = [];
  let offered = 0; // calls the dispatcher has handed us that have not started yet
  let dispatchCredit = 0;
  const othersPerMs = (opts.quota * opts.othersShare) / opts.windowMs;
  let othersCredit = 0;

  const take = () => {
    if (now >= windowStart + opts.windowMs) {
      windowStart += Math.floor((now - windowStart) / opts.windowMs) * opts.windowMs;
      used = 0;
    }
    const ok = used < opts.quota;
    if (ok) used++;
    return { ok, left: opts.quota - used, resetMs: windowStart + opts.windowMs - now };
  };

  for (now = 0; now < opts.durationMs; now++) {
    // other apps
    othersCredit += othersPerMs;
    while (othersCredit >= 1) {
      othersCredit--;
      const r = take();
      if (r.ok) othersUsed++;
      else others429++;
    }
    // responses arriving
    for (let i = pending.length - 1; i >= 0; i--) {
      const p = pending[i]!;
      if (p.doneAt > now) continue;
      pending.splice(i, 1);
      const info = { left: p.left, resetMs: Math.max(0, p.resetMs - opts.latencyMs), quota: opts.quota, windowMs: opts.windowMs };
      if (!paced) continue;
      if (p.status === 429) pacer.rateLimited(p.seq, info);
      else pacer.observe(p.seq, info);
    }
    // the task queue's dispatch rate
    dispatchCredit += opts.dispatchPerSecond / 1000;
    while (dispatchCredit >= 1) {
      dispatchCredit--;
      offered++;
    }
    while (offered > 0 && (!paced || pacer.delayMs() === 0)) {
      offered--;
      const seq = paced ? pacer.start() : 0;
      const r = take();
      if (r.ok) ours++;
      else ours429++;
      pending.push({ doneAt: now + opts.latencyMs, seq, status: r.ok ? 200 : 429, left: r.left, resetMs: r.resetMs });
    }
  }
  const windows = opts.durationMs / opts.windowMs;
  return { ours, ours429, others429, othersUsed, use: ours / (opts.quota * windows), shareOfLeft: ours / (opts.quota * (1 - opts.othersShare) * windows) };
}

describe('QuotaPacer', () => {
  it('alone on the store at the full dispatch rate: uses at least 95% of the quota with no 429', () => {
    const r = simulate({ quota: 150, windowMs: 3_000, othersShare: 0, dispatchPerSecond: 50, latencyMs: 40, durationMs: 60_000 });
    expect(r.ours429).toBe(0);
    expect(r.use).toBeGreaterThanOrEqual(0.95);
  });

  it('with a dispatch burst above the quota (the task queue lets a burst through): still no 429', () => {
    const r = simulate({ quota: 150, windowMs: 3_000, othersShare: 0, dispatchPerSecond: 80, latencyMs: 40, durationMs: 30_000 });
    expect(r.ours429).toBe(0);
    expect(r.use).toBeGreaterThanOrEqual(0.95);
  });

  it('while other apps spend 40%: takes at least 90% of what is left, no 429 for us, and leaves the others theirs', () => {
    const r = simulate({ quota: 150, windowMs: 3_000, othersShare: 0.4, dispatchPerSecond: 50, latencyMs: 40, durationMs: 90_000 });
    expect(r.ours429).toBe(0);
    expect(r.shareOfLeft).toBeGreaterThanOrEqual(0.9);
    // The other apps lose little: 429s only in the first window, before their pace is known.
    expect(r.others429).toBeLessThanOrEqual(150);
  });

  it('a naive caller at the same dispatch rate gets 429s under the same pressure (the simulation can fail)', () => {
    const r = simulate({ quota: 150, windowMs: 3_000, othersShare: 0.4, dispatchPerSecond: 50, latencyMs: 40, durationMs: 30_000, paced: false });
    expect(r.ours429).toBeGreaterThan(50);
  });

  it('after a 429 nothing starts until the window resets', () => {
    let now = 1_000;
    const pacer = new QuotaPacer({ now: () => now, random: () => 0 });
    const seq = pacer.start();
    pacer.rateLimited(seq, { left: 0, resetMs: 12_000, quota: 150, windowMs: 30_000 });
    expect(pacer.delayMs()).toBe(12_000);
    now += 11_999;
    expect(pacer.delayMs()).toBe(1);
    now += 1;
    expect(pacer.delayMs()).toBe(0);
  });

  it('backs off exponentially and store-wide on platform-load 429s, and forgets after a success', () => {
    let now = 0;
    const pacer = new QuotaPacer({ now: () => now, random: () => 0, platformBackoffMs: { base: 1_000, cap: 8_000 } });
    const delays = [1, 2, 3, 4, 5].map(() => {
      pacer.start();
      return pacer.platformLoad();
    });
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(pacer.delayMs()).toBe(8_000);
    now += 8_000;
    const seq = pacer.start();
    pacer.observe(seq, { left: 100, resetMs: 20_000, quota: 150, windowMs: 30_000 });
    pacer.start();
    expect(pacer.platformLoad()).toBe(1_000);
  });

  it('probes a new window with one call at a time, then spreads the calls left over the window', () => {
    let now = 0;
    const pacer = new QuotaPacer({ now: () => now });
    expect(pacer.delayMs()).toBe(0);
    const seq = pacer.start();
    expect(pacer.delayMs()).toBeGreaterThan(0); // the probe is in flight
    now = 10;
    pacer.observe(seq, { left: 139, resetMs: 25_000, quota: 150, windowMs: 30_000 });
    // 138 calls may still go in 25 s beyond the reserve: one every ~181 ms, counted from the probe's start.
    expect(pacer.delayMs()).toBe(172);
    now = 200;
    expect(pacer.delayMs()).toBe(0);
  });
});
