import type { RequestHandler } from 'express';

/**
 * Per-route faults for rehearsing failures: a status (with an optional body), added latency, or
 * both, for requests whose method and path match. `times` limits how often it fires; `rate` makes
 * it random. Set through POST /__sandbox/faults. Shared by every sandbox: each one mounts the
 * middleware where its API paths start, so `path` is matched below that point.
 */
export interface Fault {
  id: number;
  method: string; // '*' or GET, POST, ...
  /**
   * Regular expression over the path below where the sandbox mounts its API: below /stores/<hash>
   * for BigCommerce (e.g. "^/v2/orders/\\d+$"), the whole path for the OMS (e.g. "^/orders/createorder$").
   */
  path: string;
  status?: number;
  body?: unknown;
  latencyMs?: number;
  /**
   * The request is carried out, and then its answer is replaced by `status` (a commit whose answer
   * was lost on the way back: the caller cannot tell it from a failure).
   */
  lostAnswer?: boolean;
  /** Fire at most this many times (unlimited when unset). */
  times?: number;
  /** Probability in [0, 1] (always when unset). */
  rate?: number;
  fired: number;
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  constructor(private readonly random: () => number = Math.random) {}

  add(f: Omit<Fault, 'id' | 'fired'>): Fault {
    new RegExp(f.path); // throws on an invalid pattern, before it is stored
    const fault = { ...f, method: f.method.toUpperCase(), id: this.nextId++, fired: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault that fires for this request, counted. */
  match(method: string, path: string): Fault | undefined {
    for (const f of this.faults) {
      if (f.method !== '*' && f.method !== method.toUpperCase()) continue;
      if (!new RegExp(f.path).test(path)) continue;
      if (f.times !== undefined && f.fired >= f.times) continue;
      if (f.rate !== undefined && this.random() >= f.rate) continue;
      f.fired++;
      return f;
    }
    return undefined;
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const fault = this.match(req.method, req.path);
      if (!fault) return next();
      const act = () => {
        if (fault.status === undefined) return next();
        if (fault.lostAnswer) {
          const status = fault.status;
          const end = res.end.bind(res);
          // Whatever the handler answers is dropped for the fault's status; only headers survive.
          res.end = ((..._args: unknown[]) => {
            res.status(status);
            res.removeHeader('content-length');
            res.removeHeader('content-type');
            return end();
          }) as typeof res.end;
          return next();
        }
        res.status(fault.status);
        if (fault.body === undefined) res.end();
        else res.json(fault.body);
      };
      if (fault.latencyMs) setTimeout(act, fault.latencyMs);
      else act();
    };
  }
}
