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
