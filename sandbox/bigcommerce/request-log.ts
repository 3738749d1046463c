import type express from 'express';

/**
 * Every request the store answered, as the store saw it: method, route (the path template, so
 * `/v2/orders/{id}` counts every order read together), status and API client. It is the witness
 * benches and rehearsals count BigCommerce calls with: the product's own counters are not.
 *
 * Counts are kept always (bounded by the number of routes); single entries with their times only
 * while `recording` (a bench turns it on), so a long-running dev store does not grow.
 */
export interface RequestCount {
  method: string;
  route: string;
  status: number;
  clientId: string;
  count: number;
}

export interface RequestEntry {
  atMs: number;
  method: string;
  route: string;
  status: number;
  clientId: string;
}

const MAX_ENTRIES = 2_000_000;

export class RequestLog {
  private counts = new Map<string, RequestCount>();
  private list: RequestEntry[] = [];
  recording = false;
  sinceMs: number;

  constructor(private readonly now: () => number) {
    this.sinceMs = now();
  }

  add(entry: Omit<RequestEntry, 'atMs'>): void {
    const key = `${entry.method} ${entry.route} ${entry.status} ${entry.clientId}`;
    const c = this.counts.get(key);
    if (c) c.count++;
    else this.counts.set(key, { ...entry, count: 1 });
    if (this.recording && this.list.length < MAX_ENTRIES) this.list.push({ atMs: this.now(), ...entry });
  }

  summary(): RequestCount[] {
    return [...this.counts.values()].map((c) => ({ ...c })).sort((a, b) => b.count - a.count);
  }

  entries(sinceMs = 0): RequestEntry[] {
    return sinceMs > 0 ? this.list.filter((e) => e.atMs >= sinceMs) : this.list.slice();
  }

  clear(): void {
    this.counts.clear();
    this.list = [];
    this.sinceMs = this.now();
  }
}

/** `/v2/orders/123/shipments` -> `/v2/orders/{id}/shipments`, for requests no route matched. */
const templateOf = (path: string): string => path.replace(/\/\d+(?=\/|$)/g, '/{id}');

/**
 * Records each request when its answer is sent. Mounted on the store router before
 * authentication, so refused (401) and rate-limited (429) requests are counted too.
 */
export function requestLogMiddleware(log: RequestLog): express.RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const matched = (req as express.Request & { route?: { path?: unknown } }).route?.path;
      const route = typeof matched === 'string' ? matched.replace(/:(\w+)/g, '{$1}') : templateOf(req.path);
      log.add({ method: req.method, route, status: res.statusCode, clientId: typeof res.locals.clientId === 'string' ? res.locals.clientId : '' });
    });
    next();
  };
}
