import type { RateLimitInfo } from './rate-limit-headers';

/**
 * Adaptive pacing for one store, per process: slows our calls down *before* a 429 when other apps
 * (or other worker processes) are spending the store's shared quota (FACTS.md section 2).
 *
 * The Temporal task queue already caps our dispatch rate at the plan's quota; this adds what a
 * fixed rate cannot know. From the rate headers of every response it tracks, for the current
 * window: how much is left, how many of our own calls started since that reading, and how fast
 * everybody else is spending. A call may start when
 *   - the projected "left" stays above a small reserve, and
 *   - our calls are spread so that what we leave for the rest of the window covers the others'
 *     pace until the reset.
 * Otherwise it waits, at most until the window resets. A 429 pauses every call until the reset;
 * a platform-load 429 (no headers) pauses with exponential backoff.
 *
 * A reading is dated when its call was sent, not when its answer was read: BigCommerce counted the
 * call somewhere in between, and an answer can wait long in a busy process (event-loop delay,
 * several worker processes on few cores). Dated at reading time, an answer 400 ms late hid 400 ms
 * of the others' spend, enough for a 429 near a window's end with a reserve of one call.
 *
 * Pure logic over an injected clock: no timers, no I/O, unit-tested with a fake clock.
 */
export interface PacerOptions {
  /** Requests left untouched in every window, at least, for safety against readings in flight. */
  reserve?: number;
  /**
   * Share of the quota left untouched for the store's other apps (the headroom), applied to the
   * quota BigCommerce reports in its headers, not the configured one: a configured quota larger
   * than the store's real one must not turn the whole real quota into "reserve" and stall us.
   */
  reserveShare?: number;
  now?: () => number;
  random?: () => number;
  /** Platform-load backoff: base and cap, ms. */
  platformBackoffMs?: { base: number; cap: number };
}

interface Reading {
  left: number;
  quota: number;
  windowMs: number;
  resetAt: number;
  /** When the call that produced it was sent (BigCommerce counted it after that). */
  at: number;
  /** Our call counter when the request that produced this reading was started. */
  seq: number;
}

/** Send times of the last SENT_SLOTS calls, by sequence number (older answers are dated on arrival). */
const SENT_SLOTS = 1_024;

export class QuotaPacer {
  private seq = 0;
  private readonly sentSeq = new Float64Array(SENT_SLOTS).fill(-1);
  private readonly sentAt = new Float64Array(SENT_SLOTS);
  private inFlight = 0;
  private reading: Reading | undefined;
  /** Our call counter at the first reading of the current window. */
  private windowSeqStart = 0;
  /** Others' spend, requests per ms, from the last window with enough elapsed time. */
  private othersPerMs = 0;
  private lastStartAt = Number.NEGATIVE_INFINITY;
  private lastUrgentAt = Number.NEGATIVE_INFINITY;
  private pausedUntil = 0;
  private platformStrikes = 0;
  private readonly reserve: number;
  private readonly reserveShare: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: { base: number; cap: number };

  constructor(opts: PacerOptions = {}) {
    this.reserve = opts.reserve ?? 1;
    this.reserveShare = opts.reserveShare ?? 0;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.backoff = opts.platformBackoffMs ?? { base: 1_000, cap: 30_000 };
  }

  /**
   * How long the next call must wait before it starts; 0 means now. An urgent call (an order's)
   * is spaced only against other urgent calls, not behind the batch calls being spaced: an order
   * arriving during a catalog run starts at once unless the window has nothing left for it after
   * the reserve and the others' expected spend (what the quota forces). The batch calls after it
   * are spaced over what it left. A backlog of orders is still spread over the window.
   */
  delayMs(urgent = false): number {
    const now = this.now();
    if (now < this.pausedUntil) return this.pausedUntil - now;
    const r = this.reading;
    // No reading for this window yet: probe with one call at a time until a response tells us where we stand.
    if (!r || now >= r.resetAt) return this.inFlight > 0 ? 20 : 0;

    const ours = this.seq - r.seq;
    const reserve = Math.max(this.reserve, Math.ceil(r.quota * this.reserveShare));
    const projectedLeft = r.left - ours - this.othersPerMs * (now - r.at);
    const untilReset = r.resetAt - now;
    if (projectedLeft <= reserve) return untilReset + this.jitter();
    const allowance = projectedLeft - this.othersPerMs * untilReset - reserve;
    // The others look set to use the rest of the window; but that estimate comes from the past. A
    // call every tenth of a window refreshes the readings, so a wrong estimate (other workers that
    // have since slowed down, say) cannot stall us for more than a window.
    if (allowance < 1) return Math.min(untilReset + this.jitter(), Math.max(0, Math.ceil(this.lastStartAt + r.windowMs / 10 - now)));
    const spacing = untilReset / allowance;
    return Math.max(0, Math.ceil((urgent ? this.lastUrgentAt : this.lastStartAt) + spacing - now));
  }

  /** Call right before sending; returns the call's sequence number for `observe`. */
  start(urgent = false): number {
    this.inFlight++;
    this.lastStartAt = this.now();
    if (urgent) this.lastUrgentAt = this.lastStartAt;
    const seq = ++this.seq;
    this.sentSeq[seq % SENT_SLOTS] = seq;
    this.sentAt[seq % SENT_SLOTS] = this.lastStartAt;
    return seq;
  }

  /** Every response with rate headers, 2xx or not. */
  observe(seq: number, info: RateLimitInfo): void {
    this.finish();
    this.platformStrikes = 0;
    const now = this.now();
    // The reset is timed from now (later than BigCommerce's: the safe side), the reading from the send.
    const resetAt = now + info.resetMs;
    const at = this.sentSeq[seq % SENT_SLOTS] === seq ? Math.min(now, this.sentAt[seq % SENT_SLOTS]!) : now;
    const prev = this.reading;
    // A new window shows as a reset time well past the current one; within a window keep the
    // lowest "left" (responses to concurrent calls arrive out of order).
    const newWindow = !prev || resetAt > prev.resetAt + Math.min(1_000, info.windowMs / 4) || now >= prev.resetAt;
    if (newWindow) {
      if (prev) this.learnOthers(prev);
      this.windowSeqStart = seq - 1;
      this.reading = { left: info.left, quota: info.quota, windowMs: info.windowMs, resetAt, at, seq };
      return;
    }
    if (info.left <= prev.left) this.reading = { left: info.left, quota: info.quota, windowMs: info.windowMs, resetAt: Math.min(resetAt, prev.resetAt), at, seq };
    // Halfway through a window the readings say enough to update the others' pace already.
    if (now - (this.reading!.resetAt - this.reading!.windowMs) >= this.reading!.windowMs / 2) this.learnOthers(this.reading!);
  }

  /** A 429 with headers: nothing may start until the window resets. */
  rateLimited(seq: number, info: RateLimitInfo): void {
    this.observe(seq, { ...info, left: 0 });
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + info.resetMs + this.jitter());
  }

  /** A 429 without headers: the platform is under load; back off exponentially, store-wide. */
  platformLoad(): number {
    this.finish();
    const delay = Math.min(this.backoff.cap, this.backoff.base * 2 ** this.platformStrikes) + this.jitter();
    this.platformStrikes++;
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + delay);
    return delay;
  }

  /** A call that ended without rate headers (network error, timeout). */
  abandoned(): void {
    this.finish();
  }

  /** What the pacer believes now: for metrics and tests. */
  snapshot(): { left: number | undefined; resetInMs: number | undefined; othersPerSecond: number; inFlight: number; pausedForMs: number } {
    const now = this.now();
    return {
      left: this.reading && now < this.reading.resetAt ? this.reading.left : undefined,
      resetInMs: this.reading && now < this.reading.resetAt ? this.reading.resetAt - now : undefined,
      othersPerSecond: this.othersPerMs * 1000,
      inFlight: this.inFlight,
      pausedForMs: Math.max(0, this.pausedUntil - now),
    };
  }

  /**
   * Others' pace from a finished window's last reading: what was spent minus what we spent, over
   * the time that had passed. Readings taken early in a window say too little to change the estimate.
   */
  private learnOthers(last: Reading): void {
    const windowStart = last.resetAt - last.windowMs;
    const elapsed = last.at - windowStart;
    if (elapsed < last.windowMs * 0.25) return;
    const ours = last.seq - this.windowSeqStart;
    const others = Math.max(0, last.quota - last.left - ours);
    this.othersPerMs = others / elapsed;
  }

  private finish(): void {
    if (this.inFlight > 0) this.inFlight--;
  }

  private jitter(): number {
    return Math.floor(this.random() * 50);
  }
}

interface Waiter {
  priority: number;
  arrival: number;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * The queue in front of a pacer: calls that must wait are released one by one, most urgent first
 * (Temporal priority key: 1 before 5), then in arrival order. Without it, an order's fetch that
 * lands in a worker behind catalog calls already waiting for the window to reset would wait
 * behind them, whatever its task priority was in the Temporal queue.
 */
export class PacerGate {
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private arrivals = 0;

  /** @param urgentUpTo priorities at or below this (orders: 1) are spaced only against each other (QuotaPacer.delayMs). */
  constructor(
    readonly pacer: QuotaPacer,
    private readonly urgentUpTo = 1,
  ) {}

  /** Resolves with the call's sequence number once it may be sent. */
  acquire(priority = 3, signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    // Only calls at least as urgent as this one may be ahead of it: it never overtakes an order.
    const ahead = this.waiters.length > 0 && this.waiters[0]!.priority <= priority;
    const urgent = priority <= this.urgentUpTo;
    if (!ahead && this.pacer.delayMs(urgent) <= 0) return Promise.resolve(this.pacer.start(urgent));
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = { priority, arrival: this.arrivals++, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason ?? new Error('aborted'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      const at = this.waiters.findIndex((w) => w.priority > priority);
      this.waiters.splice(at === -1 ? this.waiters.length : at, 0, waiter);
      this.poke();
    });
  }

  /**
   * Tells the pacer what the answer to call `seq` said, then re-evaluates the waiters. A 429 with
   * the rate headers is the window spent; a 429 without them (platform load, or a proxy that
   * stripped them) backs off exponentially rather than hammer, and that backoff is returned (for the
   * error's retry-after); any other answer without headers gives the call's slot back.
   */
  answered(seq: number, status: number, rateLimit: RateLimitInfo | undefined): number | undefined {
    let backoffMs: number | undefined;
    if (status === 429 && rateLimit) this.pacer.rateLimited(seq, rateLimit);
    else if (status === 429) backoffMs = this.pacer.platformLoad();
    else if (rateLimit) this.pacer.observe(seq, rateLimit);
    else this.pacer.abandoned();
    this.poke();
    return backoffMs;
  }

  /** The call got no answer (network failure, timeout): its slot is given back, then the waiters re-evaluated. */
  abandoned(): void {
    this.pacer.abandoned();
    this.poke();
  }

  /** Re-evaluate now: after a response changed what the pacer knows, or a waiter arrived. */
  poke(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.waiters.length > 0) {
      const urgent = this.waiters[0]!.priority <= this.urgentUpTo;
      const wait = this.pacer.delayMs(urgent);
      if (wait > 0) {
        this.timer = setTimeout(() => this.poke(), wait);
        return;
      }
      const next = this.waiters.shift()!;
      if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve(this.pacer.start(urgent));
    }
  }

  get waiting(): number {
    return this.waiters.length;
  }
}
