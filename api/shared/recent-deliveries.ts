/**
 * Deliveries this API process has already handed to Temporal, by their Standard Webhooks
 * `webhook-id` (the same on every retry and duplicate of one event, different for two events even
 * when their payloads are identical: two changes in one second share a payload `hash`, never an id).
 * A repeat is answered 200 without signalling again: the signal was durable, and each signal is a
 * billed action. Bounded and expiring; another API replica simply does not know the id, and its
 * signal is a harmless duplicate the workflow settles.
 */
export class RecentDeliveries {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  has(id: string): boolean {
    const expires = this.seen.get(id);
    if (expires === undefined) return false;
    if (expires <= this.now()) {
      this.seen.delete(id);
      return false;
    }
    return true;
  }

  /** Remembers an id once its event is durable in Temporal. */
  add(id: string): void {
    this.seen.delete(id);
    this.seen.set(id, this.now() + this.ttlMs);
    // Oldest first (insertion order): expired ones, then the oldest while over the bound.
    for (const [key, expires] of this.seen) {
      if (this.seen.size <= this.maxEntries && expires > this.now()) break;
      this.seen.delete(key);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}

/**
 * At most one handling of a delivery at a time, and none once it is durable: a key already taken
 * (within the cache's window) is a duplicate; a copy arriving while the first is being handled
 * waits for it, and is a duplicate if that one ended durable, else handled itself (a 503'd
 * delivery must be taken again on the sender's retry). Only durable outcomes are remembered.
 */
export class DeliveryGate<T> {
  private readonly delivered = new RecentDeliveries();
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(private readonly durable: (outcome: T) => boolean) {}

  async run(key: string | undefined, handle: () => Promise<T>): Promise<{ duplicate: true } | { duplicate: false; outcome: T }> {
    if (key === undefined) return { duplicate: false, outcome: await handle() };
    if (this.delivered.has(key)) return { duplicate: true };
    const running = this.inFlight.get(key);
    if (running) {
      const earlier = await running.catch(() => undefined);
      if (earlier !== undefined && this.durable(earlier)) return { duplicate: true };
    }
    const work = handle();
    this.inFlight.set(key, work);
    try {
      const outcome = await work;
      if (this.durable(outcome)) this.delivered.add(key);
      return { duplicate: false, outcome };
    } finally {
      if (this.inFlight.get(key) === work) this.inFlight.delete(key);
    }
  }
}
