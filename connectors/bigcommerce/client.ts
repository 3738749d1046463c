import type { z } from 'zod';
import { httpRequest, NetworkError, type FetchLike, type HttpRequest, type HttpResponse } from '../http';
import { describeIssues } from '../shared/response-shape';
import { BigCommerceError, kindForStatus, parseErrorBody } from './errors';
import { PacerGate, type QuotaPacer } from './quota-pacer';
import { readRateLimitHeaders, type RateLimitInfo } from './rate-limit-headers';

export interface BigCommerceClientOptions {
  /** https://api.bigcommerce.com, or the sandbox's base URL. */
  apiUrl: string;
  storeHash: string;
  accessToken: string;
  timeoutMs?: number;
  fetch?: FetchLike;
  /** Adaptive pacing from the rate headers; every call waits for it before it is sent. */
  pacer?: QuotaPacer;
  /** Called after every response that carried rate headers. */
  onRateLimit?: (info: RateLimitInfo) => void;
  /** Called after every call, for metrics. `status` 0 = no HTTP answer. */
  onCall?: (call: { method: string; route: string; status: number; waitedMs: number; rateHeaders: boolean }) => void;
}

export interface BcRequest {
  method: HttpRequest['method'];
  /** Path below /stores/{hash}, starting with /v2/ or /v3/. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Route template for metrics, e.g. /v2/orders/{id}; derived from the path when unset. */
  route?: string;
  /** Aborts a wait for the pacer (an activity's cancellation). */
  signal?: AbortSignal;
  /** Temporal priority key of the calling activity: among calls waiting for quota, lower goes first. */
  priority?: number;
}

export interface BcResponse<T> {
  status: number;
  /** Undefined for 204 No Content (V2's answer for a page past the end of a list). */
  data: T | undefined;
  rateLimit: RateLimitInfo | undefined;
  /** BigCommerce's own clock at the answer (the `Date` header), Unix seconds; undefined without one. */
  serverTimeS: number | undefined;
}

/**
 * A thin typed client: authentication, URL building, status classification and response
 * validation. It never retries: the activity decides, because only it knows whether the call is
 * idempotent. Docs: https://developer.bigcommerce.com/docs/start/about
 */
export class BigCommerceClient {
  readonly storeHash: string;
  private readonly base: string;
  private readonly gate: PacerGate | undefined;

  constructor(private readonly options: BigCommerceClientOptions) {
    this.storeHash = options.storeHash;
    this.gate = options.pacer ? new PacerGate(options.pacer) : undefined;
    this.base = `${options.apiUrl.replace(/\/+$/, '')}/stores/${encodeURIComponent(options.storeHash)}`;
  }

  /**
   * One call. Waits for the pacer first (when there is one), and tells it what the answer said, so
   * the next call of any activity in this process knows the store's quota. Never retries.
   */
  async request<S extends z.ZodType>(req: BcRequest, schema: S): Promise<BcResponse<z.output<S>>> {
    const url = new URL(this.base + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const route = req.route ?? req.path.replace(/\/\d+(?=\/|$)/g, '/{id}');
    const waitStart = Date.now();
    const seq = this.gate ? await this.gate.acquire(req.priority, req.signal) : 0;
    const waitedMs = Date.now() - waitStart;
    let res: HttpResponse;
    try {
      res = await httpRequest(
        {
          method: req.method,
          url: url.toString(),
          headers: { 'x-auth-token': this.options.accessToken },
          body: req.body,
          timeoutMs: this.options.timeoutMs,
        },
        this.options.fetch,
      );
    } catch (err) {
      this.gate?.abandoned();
      this.options.onCall?.({ method: req.method, route, status: 0, waitedMs, rateHeaders: false });
      if (err instanceof NetworkError) {
        throw new BigCommerceError('network', err.message, { method: req.method, path: req.path }, { cause: err });
      }
      throw err;
    }
    const rateLimit = readRateLimitHeaders(res.headers);
    if (rateLimit) this.options.onRateLimit?.(rateLimit);
    this.options.onCall?.({ method: req.method, route, status: res.status, waitedMs, rateHeaders: rateLimit !== undefined });
    const platformBackoffMs = this.gate?.answered(seq, res.status, rateLimit);

    if (res.status < 200 || res.status > 299) {
      const kind = kindForStatus(res.status, rateLimit !== undefined);
      const { message, fieldErrors } = parseErrorBody(res.body);
      throw new BigCommerceError(kind, `${req.method} ${req.path} -> ${res.status}: ${message}`, {
        status: res.status,
        method: req.method,
        path: req.path,
        fieldErrors,
        rateLimit,
        retryAfterMs: kind === 'rate_limited' ? rateLimit?.resetMs : kind === 'platform_load' ? platformBackoffMs : undefined,
        body: res.body,
      });
    }
    const dateHeader = Date.parse(res.headers.get('date') ?? '');
    const serverTimeS = Number.isNaN(dateHeader) ? undefined : Math.floor(dateHeader / 1000);
    if (res.status === 204 || res.body === undefined) return { status: res.status, data: undefined, rateLimit, serverTimeS };

    const parsed = schema.safeParse(res.body);
    if (!parsed.success) {
      throw new BigCommerceError('bad_response', `${req.method} ${req.path}: unexpected response shape: ${describeIssues(parsed.error)}`, {
        status: res.status,
        method: req.method,
        path: req.path,
      });
    }
    return { status: res.status, data: parsed.data, rateLimit, serverTimeS };
  }
}
