import type { z } from 'zod';
import { PacerGate, type QuotaPacer } from '../../bigcommerce/quota-pacer';
import type { RateLimitInfo } from '../../bigcommerce/rate-limit-headers';
import { httpRequest, NetworkError, ResponseTooLargeError, type FetchLike, type HttpRequest, type HttpResponse } from '../../http';
import { describeIssues } from '../../shared/response-shape';
import { kindForStatus, OmsError, parseShipStationError } from './errors';
import { readShipStationRateHeaders, SHIPSTATION_WINDOW_MS } from './rate-limit-headers';

export interface ShipStationClientOptions {
  /** https://ssapi.shipstation.com, or the OMS sandbox's base URL. */
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
  fetch?: FetchLike;
  /**
   * Adaptive pacing from ShipStation's rate headers (40 requests per minute per key + secret,
   * shared by every process using the key); every call waits for it before it is sent.
   */
  pacer?: QuotaPacer;
  /** The rate window, for the pacer: ShipStation's is a minute. */
  rateWindowMs?: number;
  /** The most bytes of one response body read; DEFAULT_MAX_RESPONSE_BYTES when unset. */
  maxResponseBytes?: number;
}

/**
 * A bound on any one ShipStation answer, so a broken or hostile server cannot make us buffer
 * without end. A page of 500 orders with their items is well under it; a call can ask for less.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface SsRequest {
  method: HttpRequest['method'];
  /** Path below the API root, e.g. /orders/createorder. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Aborts a wait for the pacer and the request itself (an activity's cancellation, a deadline). */
  signal?: AbortSignal;
  /** The most bytes of this response's body read (below the client's own bound). */
  maxResponseBytes?: number;
  /** Among calls waiting for quota, lower goes first (Temporal priority key). */
  priority?: number;
}

export interface SsResponse<T> {
  status: number;
  /** Undefined when ShipStation answered without a body (DELETE /webhooks/{id}). */
  data: T | undefined;
  rateLimit: RateLimitInfo | undefined;
}

/**
 * A thin typed ShipStation V1 client: HTTP Basic auth (key as user, secret as password), status
 * classification, rate headers, response validation. It never retries: the activity decides,
 * because only it knows whether the call is idempotent. The secret never appears in an error or a
 * log line: only the Authorization header carries it. It never follows a redirect (the credentials
 * would go with it; ShipStation documents none) and reads no more than a bounded body.
 * Docs: https://docs.shipstation.com/apis/shipstation-v1/docs/start-here/requirements
 */
export class ShipStationClient {
  /** scheme://host[:port] of the API: webhook resource URLs must point here. */
  readonly apiOrigin: string;
  /** The API root's path ('' for ssapi.shipstation.com), for the same check. */
  readonly apiBasePath: string;
  private readonly authorization: string;
  private readonly gate: PacerGate | undefined;

  constructor(private readonly options: ShipStationClientOptions) {
    const url = new URL(options.apiUrl);
    this.apiOrigin = url.origin;
    this.apiBasePath = url.pathname.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${options.apiKey}:${options.apiSecret}`, 'utf8').toString('base64')}`;
    this.gate = options.pacer ? new PacerGate(options.pacer) : undefined;
  }

  /** One call to a path of the API. Never retries. */
  async request<S extends z.ZodType>(req: SsRequest, schema: S): Promise<SsResponse<z.output<S>>> {
    const url = new URL(this.apiOrigin + this.apiBasePath + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return this.send(req, url, schema);
  }

  /**
   * A GET of an absolute URL ShipStation handed out (a webhook's resource_url). The caller checks
   * that it points at this API (shipments-from-notification.ts): the credentials go with it.
   */
  async getUrl<S extends z.ZodType>(url: URL, schema: S, opts: { signal?: AbortSignal; priority?: number; maxResponseBytes?: number } = {}): Promise<SsResponse<z.output<S>>> {
    if (url.origin !== this.apiOrigin) throw new OmsError('untrusted_url', `refusing to send ShipStation credentials to ${url.origin}`);
    return this.send({ method: 'GET', path: url.pathname, ...opts }, url, schema);
  }

  private async send<S extends z.ZodType>(req: SsRequest, url: URL, schema: S): Promise<SsResponse<z.output<S>>> {
    const seq = this.gate ? await this.gate.acquire(req.priority, req.signal) : 0;
    const maxBodyBytes = Math.min(req.maxResponseBytes ?? Number.POSITIVE_INFINITY, this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    let res: HttpResponse;
    try {
      res = await httpRequest(
        {
          method: req.method,
          url: url.toString(),
          headers: { authorization: this.authorization },
          body: req.body,
          timeoutMs: this.options.timeoutMs,
          // A 3xx is answered to the caller as an error below, never followed: the Authorization
          // header must not travel to wherever a Location points.
          redirect: 'manual',
          maxBodyBytes,
          signal: req.signal,
        },
        this.options.fetch,
      );
    } catch (err) {
      this.gate?.abandoned();
      if (err instanceof NetworkError) throw new OmsError('network', err.message, { method: req.method, path: req.path }, { cause: err });
      if (err instanceof ResponseTooLargeError) {
        throw new OmsError('bad_response', `ShipStation ${req.method} ${req.path}: ${err.message}`, { method: req.method, path: req.path }, { cause: err });
      }
      throw err;
    }
    const rateLimit = readShipStationRateHeaders(res.headers, this.options.rateWindowMs ?? SHIPSTATION_WINDOW_MS);
    // A 429 without the headers should not happen (ShipStation sends them on every response); if a
    // proxy strips them, the pacer backs off exponentially rather than hammer.
    const backoffMs = this.gate?.answered(seq, res.status, rateLimit);

    if (res.status >= 300 && res.status <= 399) {
      const location = res.headers.get('location');
      let where = 'no Location';
      if (location) {
        try {
          where = new URL(location, url).origin; // the origin only: a Location's query is not ours to log
        } catch {
          where = 'an unreadable Location';
        }
      }
      throw new OmsError('bad_response', `ShipStation ${req.method} ${req.path} -> ${res.status} redirect to ${where}: redirects are not followed`, {
        status: res.status,
        method: req.method,
        path: req.path,
        rateLimit,
      });
    }
    if (res.status < 200 || res.status > 299) {
      const kind = kindForStatus(res.status);
      throw new OmsError(kind, `ShipStation ${req.method} ${req.path} -> ${res.status}: ${parseShipStationError(res.body)}`, {
        status: res.status,
        method: req.method,
        path: req.path,
        rateLimit,
        // "If your app exceeds the limit ... wait X-Rate-Limit-Reset seconds"; a minute if absent.
        retryAfterMs: kind === 'rate_limited' ? (rateLimit?.resetMs ?? backoffMs ?? SHIPSTATION_WINDOW_MS) : undefined,
      });
    }
    if (res.body === undefined) return { status: res.status, data: undefined, rateLimit };
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) {
      throw new OmsError('bad_response', `ShipStation ${req.method} ${req.path}: unexpected response shape: ${describeIssues(parsed.error)}`, {
        status: res.status,
        method: req.method,
        path: req.path,
      });
    }
    return { status: res.status, data: parsed.data, rateLimit };
  }
}
