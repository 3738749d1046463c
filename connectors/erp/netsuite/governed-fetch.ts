import type { FetchLike } from '../../http';
import { backPressureOf, type ErpBackPressure } from './errors';
import { erpLoginRejections, type LoginRejectionWatch } from './login-rejections';

/**
 * A fetch for NetSuite that keeps this process inside its share of the account's concurrency limit
 * and reports the account's back-pressure. Every request waits for one of `maxInFlight` slots (first
 * come, first served; a request whose signal aborts while it waits leaves the queue) and holds it
 * until its response's body has been read or cancelled: NetSuite counts a request until its answer
 * is complete. Answers that are back-pressure (a 429 `CONCURRENCY_LIMIT_EXCEEDED`, a 401 "Invalid
 * login attempt") are reported to `onBackPressure`, and every answer feeds the process's login
 * watch (login-rejections.ts). Nothing is retried here: retrying is Temporal's job.
 *
 * One per process, shared by every client of the process (a client per request, as the API makes,
 * still shares the slots). The slots are a few lines of code rather than a library: the queue must
 * leave on the request's own abort signal and hold the slot through the body, which the small
 * promise-limit libraries do not offer.
 */
export interface GovernedFetchOptions {
  /** Requests in flight at once from this process (its share of the account's limit). */
  maxInFlight: number;
  fetch?: FetchLike;
  /** Default: the process's watch. */
  watch?: LoginRejectionWatch;
  /** After every change: requests holding a slot, and requests waiting for one. */
  onInFlight?: (inFlight: number, waiting: number) => void;
  onBackPressure?: (reason: ErpBackPressure) => void;
}

/** Statuses whose error body is read here to tell back-pressure from other refusals (small JSON bodies). */
const INSPECTED = new Set([400, 401, 429]);
/** Responses that cannot carry a body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

export function governedFetch(options: GovernedFetchOptions): FetchLike {
  if (!Number.isInteger(options.maxInFlight) || options.maxInFlight < 1) throw new Error(`maxInFlight must be a positive integer, got ${options.maxInFlight}`);
  const base = options.fetch ?? fetch;
  const watch = options.watch ?? erpLoginRejections;
  const slots = new Slots(options.maxInFlight, (inFlight, waiting) => options.onInFlight?.(inFlight, waiting));

  const governed = async (input: Parameters<FetchLike>[0], init?: Parameters<FetchLike>[1]): Promise<Response> => {
    const release = await slots.acquire(init?.signal ?? undefined);
    let res: Response;
    try {
      res = await base(input, init);
    } catch (err) {
      release();
      throw err;
    }
    if (INSPECTED.has(res.status)) {
      let text: string;
      try {
        text = await res.text();
      } finally {
        release();
      }
      const pressure = backPressureOf(res.status, parseJson(text));
      if (pressure) options.onBackPressure?.(pressure);
      if (pressure === 'invalid_login_401') watch.rejected();
      else if (res.status === 400 && !pressure) watch.accepted();
      return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
    }
    // Any other answer but a 5xx proves the credential works (a 404 or a 403 included).
    if (res.status < 500) watch.accepted();
    if (res.body === null || NULL_BODY.has(res.status)) {
      release();
      return res;
    }
    return new Response(releasingBody(res.body, release), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return governed as FetchLike;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The same bytes, calling `release` once when they have all been read, failed or been cancelled. */
function releasingBody(body: ReadableStream<Uint8Array>, release: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        release();
        controller.error(err);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
}

/** A counting semaphore, first come first served; each release function works once. */
class Slots {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly changed: (inFlight: number, waiting: number) => void,
  ) {}

  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.inFlight < this.max) {
      this.inFlight++;
      this.changed(this.inFlight, this.waiting.length);
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', abort);
        // The slot was handed over by release(): inFlight already counts it.
        resolve(this.releaser());
      };
      const abort = () => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        this.changed(this.inFlight, this.waiting.length);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.waiting.push(grant);
      this.changed(this.inFlight, this.waiting.length);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next waiter
      else this.inFlight--;
      this.changed(this.inFlight, this.waiting.length);
    };
  }
}
