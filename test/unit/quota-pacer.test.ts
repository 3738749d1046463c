import { describe, expect, it } from 'vitest';
import { PacerGate, QuotaPacer } from '../../connectors/bigcommerce/quota-pacer';
import { seededRandom } from '../../sandbox/random';

/**
 * A millisecond-step simulation of one store: BigCommerce's fixed windows and shared quota, other
 * apps spending at a steady pace, our calls taking `latencyMs` each, and a Temporal-like dispatcher
 * offering us at most `dispatchPerSecond` calls. The pacer decides when each offered call starts.
 */
function simulate(opts: {
  quota: number;
  windowMs: number;
  othersShare: number;
  dispatchPerSecond: number;
  latencyMs: number;
  durationMs: number;
  paced?: boolean;
  othersShareAt?: (now: number) => number;
}) {
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
    othersCredit += opts.othersShareAt ? (opts.quota * opts.othersShareAt(now)) / opts.windowMs : othersPerMs;
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

  it('recovers the full pace when the other apps go quiet (a stale estimate must not stall it)', () => {
    // Others spend 90% for two windows, then nothing; judge the last 20 windows only.
    const r = simulate({ quota: 150, windowMs: 3_000, othersShare: 0, dispatchPerSecond: 50, latencyMs: 40, durationMs: 66_000, othersShareAt: (t) => (t < 6_000 ? 0.9 : 0) });
    expect(r.ours429).toBe(0);
    expect(r.ours).toBeGreaterThanOrEqual(0.9 * 150 * 20);
  });

  it('a naive caller at the same dispatch rate gets 429s under the same pressure (the simulation can fail)', () => {
    const r = simulate({ quota: 150, windowMs: 3_000, othersShare: 0.4, dispatchPerSecond: 50, latencyMs: 40, durationMs: 30_000, paced: false });
    expect(r.ours429).toBeGreaterThan(50);
  });

  it('four processes on one store, one taking most of the first window: full use, no 429, no stall', () => {
    let now = 0;
    const quota = 150;
    const windowMs = 3_000;
    const pacers = Array.from({ length: 4 }, () => new QuotaPacer({ now: () => now, random: () => 0.5 }));
    let windowStart = 0;
    let used = 0;
    let ours = 0;
    let limited = 0;
    let lateWindowCalls = 0;
    const pending: Array<{ w: number; doneAt: number; seq: number; ok: boolean; left: number; resetMs: number }> = [];
    const offered = [0, 0, 0, 0];
    let credit = 0;
    let turn = 0;
    for (now = 0; now < 60_000; now++) {
      for (let i = pending.length - 1; i >= 0; i--) {
        const p = pending[i]!;
        if (p.doneAt > now) continue;
        pending.splice(i, 1);
        const info = { left: p.left, resetMs: Math.max(0, p.resetMs - 40), quota, windowMs };
        if (p.ok) pacers[p.w]!.observe(p.seq, info);
        else pacers[p.w]!.rateLimited(p.seq, info);
      }
      credit += 50 / 1000;
      while (credit >= 1) {
        credit--;
        // The first window process 0 polls first and takes 9 tasks in 10 (the others see it spend
        // nearly the whole quota); then all four share evenly.
        turn++;
        offered[now < 3_000 ? (turn % 10 === 0 ? 1 + (turn % 3) : 0) : turn % 4]!++;
      }
      for (let w = 0; w < 4; w++) {
        while (offered[w]! > 0 && pacers[w]!.delayMs() === 0) {
          offered[w]!--;
          const seq = pacers[w]!.start();
          if (now >= windowStart + windowMs) {
            windowStart += Math.floor((now - windowStart) / windowMs) * windowMs;
            used = 0;
          }
          const ok = used < quota;
          if (ok) used++;
          if (ok) ours++;
          else limited++;
          if (ok && now >= 30_000) lateWindowCalls++;
          pending.push({ w, doneAt: now + 40, seq, ok, left: quota - used, resetMs: windowStart + windowMs - now });
        }
      }
    }
    expect(limited).toBe(0);
    expect(ours / (quota * 20)).toBeGreaterThanOrEqual(0.9);
    // The second half alone: still at full pace, not stalled on a stale estimate of the others.
    expect(lateWindowCalls / (quota * 10)).toBeGreaterThanOrEqual(0.9);
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

  it('spaces an urgent call (an order) only against other urgent calls, and never past the reserve or what the others are expected to spend', () => {
    let now = 0;
    const pacer = new QuotaPacer({ now: () => now });
    const seq = pacer.start();
    now = 10;
    pacer.observe(seq, { left: 139, resetMs: 25_000, quota: 150, windowMs: 30_000 });
    expect(pacer.delayMs()).toBe(172);
    expect(pacer.delayMs(true)).toBe(0);
    pacer.start(true);
    // A second order right behind the first is spread like any backlog; batch calls wait their turn too.
    expect(pacer.delayMs(true)).toBe(183);
    expect(pacer.delayMs()).toBe(183);
    // Down to the reserve: the order waits for the reset like everyone else.
    pacer.observe(pacer.start(), { left: 1, resetMs: 24_990, quota: 150, windowMs: 30_000 });
    expect(pacer.delayMs(true)).toBeGreaterThanOrEqual(24_990);
    // Next window: half of it spent by other apps at a pace that takes the rest; the order waits.
    now = 30_010;
    pacer.observe(pacer.start(), { left: 149, resetMs: 29_990, quota: 150, windowMs: 30_000 });
    now = 45_010;
    pacer.observe(pacer.start(), { left: 74, resetMs: 14_990, quota: 150, windowMs: 30_000 });
    expect(pacer.delayMs(true)).toBeGreaterThan(0);
  });

  it('keeps its headroom as a share of the quota BigCommerce reports, so a configured quota larger than the real one cannot stall it', () => {
    let now = 0;
    // As config/connections.ts builds it: 10% headroom, whatever BC_QUOTA says (100,000 here, wrongly).
    const pacer = new QuotaPacer({ now: () => now, reserve: 1, reserveShare: 0.1 });
    const seq = pacer.start();
    now = 10;
    pacer.observe(seq, { left: 149, resetMs: 29_990, quota: 150, windowMs: 30_000 });
    // Reserve 15 of the real 150: 133 calls over the window, one every ~225 ms; not "wait for the reset".
    expect(pacer.delayMs()).toBeGreaterThan(0);
    expect(pacer.delayMs()).toBeLessThan(300);
    // Down to the reserve: now it waits for the reset.
    now = 20;
    pacer.observe(pacer.start(), { left: 15, resetMs: 29_980, quota: 150, windowMs: 30_000 });
    expect(pacer.delayMs()).toBeGreaterThanOrEqual(29_980 - 10);
  });
});

/**
 * Several worker processes on one store, each with its own pacer, beside another app polling at a
 * steady rate: what `npm run bench -- quota` runs with 4 processes. Each process's event loop stalls
 * now and then (`stallShare` of the time, 50-400 ms each: a busy process on few cores), holding its
 * answers unread and its calls unsent meanwhile. Tasks go to the processes in shifting proportions.
 */
function simulateProcesses(opts: { processes: number; reserveShare: number; stallShare: number; neighbourPerSecond: number; seed: number; durationMs: number }) {
  const random = seededRandom(opts.seed);
  const quota = 150;
  const windowMs = 6_000;
  let now = 0;
  const pacers = Array.from(
    { length: opts.processes },
    (_, i) => new QuotaPacer({ now: () => now, random: seededRandom(opts.seed * 10 + i), reserve: 1, reserveShare: opts.reserveShare }),
  );
  let windowStart = 0;
  let used = 0;
  let ours = 0;
  let ours429 = 0;
  let neighbour429 = 0;
  const pending: Array<{ p: number; doneAt: number; seq: number; ok: boolean; left: number; resetAt: number }> = [];
  const offered = new Array<number>(opts.processes).fill(0);
  const stalledUntil = new Array<number>(opts.processes).fill(0);
  let weights = offered.map(() => 1);
  let credit = 0;
  let neighbourCredit = 0;
  const take = () => {
    if (now >= windowStart + windowMs) {
      windowStart += Math.floor((now - windowStart) / windowMs) * windowMs;
      used = 0;
    }
    const ok = used < quota;
    if (ok) used++;
    return { ok, left: quota - used, resetAt: windowStart + windowMs };
  };
  for (now = 0; now < opts.durationMs; now++) {
    if (now % 1_000 === 0) weights = weights.map(() => random());
    neighbourCredit += opts.neighbourPerSecond / 1_000;
    while (neighbourCredit >= 1) {
      neighbourCredit--;
      if (!take().ok) neighbour429++;
    }
    for (let p = 0; p < opts.processes; p++) if (now >= stalledUntil[p]! && random() < opts.stallShare / 225) stalledUntil[p] = now + 50 + Math.floor(random() * 350);
    for (let i = pending.length - 1; i >= 0; i--) {
      const x = pending[i]!;
      if (x.doneAt > now || now < stalledUntil[x.p]!) continue;
      pending.splice(i, 1);
      const info = { left: x.left, resetMs: Math.max(0, x.resetAt - now), quota, windowMs };
      if (x.ok) pacers[x.p]!.observe(x.seq, info);
      else pacers[x.p]!.rateLimited(x.seq, info);
    }
    // The task queue at 4x the quota's average rate (BC_DISPATCH_BURST=4 at 10% headroom: 90 a second).
    credit += 90 / 1_000;
    const total = weights.reduce((a, b) => a + b, 0);
    while (credit >= 1) {
      credit--;
      let r = random() * total;
      let p = 0;
      while (r > weights[p]! && p < opts.processes - 1) r -= weights[p++]!;
      offered[p]!++;
    }
    for (let p = 0; p < opts.processes; p++) {
      if (now < stalledUntil[p]!) continue;
      while (offered[p]! > 0 && pacers[p]!.delayMs(true) === 0) {
        offered[p]!--;
        const seq = pacers[p]!.start(true);
        const r = take();
        if (r.ok) ours++;
        else ours429++;
        pending.push({ p, doneAt: now + 5 + Math.floor(random() * 60), seq, ok: r.ok, left: r.left, resetAt: r.resetAt });
      }
    }
  }
  return { ours429, neighbour429, use: ours / ((quota * opts.durationMs) / windowMs) };
}

describe('QuotaPacer across processes', () => {
  it('dates a reading from when its call was sent: an answer read 400 ms late does not hide what the others spent meanwhile', () => {
    let now = 0;
    // Headroom 0, reserve 1: the tightest setting, where a reading's age decides a 429.
    const pacer = new QuotaPacer({ now: () => now, random: () => 0 });
    const quota = 150;
    const windowMs = 6_000;
    let seq = pacer.start();
    now = 10;
    pacer.observe(seq, { left: 149, resetMs: 5_990, quota, windowMs });
    // Halfway: the others (other processes, other apps) have spent 60, 20 a second.
    now = 3_000;
    seq = pacer.start();
    now = 3_010;
    pacer.observe(seq, { left: 88, resetMs: 2_990, quota, windowMs });
    // 25 more of ours, each answered at once, while the others keep their pace.
    for (let k = 1; k <= 25; k++) {
      now = 3_000 + k * 90;
      seq = pacer.start();
      pacer.observe(seq, { left: 150 - (2 + k) - Math.floor(0.02 * now), resetMs: 6_000 - now, quota, windowMs });
    }
    // Near the end: BigCommerce counts our 28th call, sent at 5,500 ms, with 12 left (the others'
    // 110 and our 28 spent); its answer is read at 5,900 ms (the process was busy). By then the
    // others have spent 8 more: 4 are left, 2 of them the others' before the reset, so 2 at most
    // are ours. Dated on arrival, the reading said 12 and let about 9 go.
    now = 5_500;
    seq = pacer.start();
    now = 5_900;
    pacer.observe(seq, { left: 12, resetMs: 100, quota, windowMs });
    let admitted = 0;
    for (; now < 6_000; now++) {
      while (pacer.delayMs() === 0) {
        pacer.start();
        admitted++;
      }
    }
    expect(admitted).toBeLessThanOrEqual(2);
    expect(admitted).toBeGreaterThanOrEqual(1);
  });

  it('four processes with busy event loops, beside another app at 2 calls a second, at the default headroom: no 429 for us or for it, the quota used up to what both leave', () => {
    for (const seed of [1, 2, 3]) {
      const r = simulateProcesses({ processes: 4, reserveShare: 0.1, stallShare: 0.4, neighbourPerSecond: 2, seed, durationMs: 240_000 });
      expect(r.ours429).toBe(0);
      expect(r.neighbour429).toBe(0);
      // The ceiling: 90% (the headroom) less the other app's 8%.
      expect(r.use).toBeGreaterThanOrEqual(0.78);
      expect(r.use).toBeLessThanOrEqual(0.82);
    }
  });
});

describe('PacerGate', () => {
  it('releases waiting calls most urgent first, then in arrival order, and drops aborted ones', async () => {
    let seq = 0;
    const stub = {
      delay: 60_000,
      delayMs() {
        return this.delay;
      },
      start() {
        return ++seq;
      },
    };
    const gate = new PacerGate(stub as unknown as QuotaPacer);
    const released: string[] = [];
    const wait = (name: string, priority: number, signal?: AbortSignal) =>
      gate.acquire(priority, signal).then(
        () => released.push(name),
        () => released.push(`${name} aborted`),
      );
    const abort = new AbortController();
    const all = [wait('catalog-1', 4), wait('catalog-2', 4), wait('order', 1), wait('reconcile', 2, abort.signal), wait('default', 3)];
    expect(gate.waiting).toBe(5);
    abort.abort();
    stub.delay = 0;
    gate.poke();
    await Promise.all(all);
    expect(released).toEqual(['reconcile aborted', 'order', 'default', 'catalog-1', 'catalog-2']);
    expect(gate.waiting).toBe(0);
  });

  it('starts an order past waiting batch calls when only the spacing holds them, never past another order', async () => {
    let seq = 0;
    // Spacing holds every call; the quota has room for urgent ones only while `room` says so.
    const stub = {
      room: true,
      delayMs(urgent: boolean) {
        return urgent && this.room ? 0 : 60_000;
      },
      start() {
        return ++seq;
      },
    };
    const gate = new PacerGate(stub as unknown as QuotaPacer);
    const released: string[] = [];
    const stop = new AbortController();
    const wait = (name: string, priority: number) =>
      gate.acquire(priority, stop.signal).then(
        () => released.push(name),
        () => undefined,
      );
    const batch = [wait('catalog-1', 4), wait('catalog-2', 4)];
    const order1 = wait('order-1', 1);
    await order1;
    expect(released).toEqual(['order-1']);
    stub.room = false;
    const order2 = wait('order-2', 1);
    const order3 = wait('order-3', 1);
    await new Promise((r) => setTimeout(r, 5));
    expect(gate.waiting).toBe(4);
    stub.room = true;
    gate.poke();
    await Promise.all([order2, order3]);
    expect(released).toEqual(['order-1', 'order-2', 'order-3']);
    expect(gate.waiting).toBe(2);
    stop.abort();
    await Promise.all(batch);
    expect(released).toEqual(['order-1', 'order-2', 'order-3']);
  });
});
