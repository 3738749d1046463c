/**
 * What the CRM and marketing sandboxes count of the calls they answer, for tests and benches:
 * calls, answers by status and 429s per operation (the vendor's operation name), and a bounded
 * log of recent requests. Bodies are not kept: the records (`/__sandbox/records`) say what was
 * written, the log says what was asked and how it was answered.
 */
export interface LoggedCall {
  atMs: number;
  method: string;
  path: string;
  /** The operation the call was routed to, or null for a path the sandbox does not serve. */
  operation: string | null;
  status: number;
  durationMs: number;
}

export interface OperationCounts {
  /** Every call routed to the operation, whatever its answer. */
  calls: number;
  /** Calls answered 2xx (or 207). */
  succeeded: number;
  /** Calls refused by the rate limit. */
  limited: number;
  byStatus: Record<string, number>;
}

export class CallLog {
  private entries: LoggedCall[] = [];
  private counts = new Map<string, OperationCounts>();

  constructor(private readonly max = 50_000) {}

  record(call: LoggedCall): void {
    this.entries.push(call);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
    const key = call.operation ?? '(unrouted)';
    let c = this.counts.get(key);
    if (!c) {
      c = { calls: 0, succeeded: 0, limited: 0, byStatus: {} };
      this.counts.set(key, c);
    }
    c.calls++;
    if (call.status >= 200 && call.status <= 299) c.succeeded++;
    if (call.status === 429) c.limited++;
    c.byStatus[String(call.status)] = (c.byStatus[String(call.status)] ?? 0) + 1;
  }

  /** Per operation, plus `total` over all of them. */
  summary(): { total: OperationCounts; operations: Record<string, OperationCounts> } {
    const operations = Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    const total: OperationCounts = { calls: 0, succeeded: 0, limited: 0, byStatus: {} };
    for (const c of this.counts.values()) {
      total.calls += c.calls;
      total.succeeded += c.succeeded;
      total.limited += c.limited;
      for (const [s, n] of Object.entries(c.byStatus)) total.byStatus[s] = (total.byStatus[s] ?? 0) + n;
    }
    return { total, operations };
  }

  list(filter: { sinceMs?: number; operation?: string } = {}): LoggedCall[] {
    return this.entries.filter((e) => (filter.sinceMs === undefined || e.atMs >= filter.sinceMs) && (filter.operation === undefined || e.operation === filter.operation));
  }

  clear(): void {
    this.entries = [];
    this.counts = new Map();
  }
}
