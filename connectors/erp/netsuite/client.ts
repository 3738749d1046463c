import { httpRequest, NetworkError, type FetchLike, type HttpRequest, type HttpResponse } from '../../http';
import type { ErpAuth } from './auth/types';
import { ErpError, parseNetSuiteError } from './errors';

export interface NetSuiteClientOptions {
  /** https://<accountId>.suitetalk.api.netsuite.com, or the ERP sandbox. */
  apiUrl: string;
  /** How each request is authorized (auth/m2m.ts, auth/tba.ts, auth/bearer.ts): built once per process. */
  auth: ErpAuth;
  timeoutMs?: number;
  fetch?: FetchLike;
}

/** REST record API v1: https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545141395.html */
export class NetSuiteClient {
  readonly apiUrl: string;
  readonly recordBase: string;

  constructor(private readonly options: NetSuiteClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.recordBase = `${this.apiUrl}/services/rest/record/v1`;
  }

  async request(method: HttpRequest['method'], path: string, body?: unknown): Promise<HttpResponse> {
    return this.send({ method, url: this.recordBase + path, body });
  }

  /**
   * GET an absolute service path under the account's REST root (e.g.
   * `/services/rest/system/v1/governanceLimits`), with the same authorization.
   */
  async getService(path: string): Promise<HttpResponse> {
    if (!path.startsWith('/services/')) throw new Error(`not a NetSuite service path: ${path}`);
    return this.send({ method: 'GET', url: this.apiUrl + path });
  }

  /**
   * One page of a SuiteQL query (`POST /services/rest/query/v1/suiteql?limit=&offset=`, `Prefer:
   * transient`; at most 1000 rows a page): https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
   */
  async suiteql(q: string, page: { limit: number; offset: number }): Promise<{ items: Array<Record<string, unknown>>; hasMore: boolean }> {
    const url = `${this.apiUrl}/services/rest/query/v1/suiteql?limit=${page.limit}&offset=${page.offset}`;
    const res = await this.send({ method: 'POST', url, headers: { prefer: 'transient' }, body: { q } });
    const body = res.body as { items?: unknown; hasMore?: unknown } | undefined;
    if (!body || !Array.isArray(body.items)) throw new ErpError('bad_response', `SuiteQL answered ${res.status} without items`, { status: res.status });
    return { items: body.items as Array<Record<string, unknown>>, hasMore: body.hasMore === true };
  }

  /**
   * Sends with the auth's header. A 401 drops the credential and the request is sent once more with a
   * fresh one; a second 401 is the ErpError it is (under load NetSuite also answers 401 "Invalid login
   * attempt", which a new token does not cure).
   */
  private async send(req: { method: HttpRequest['method']; url: string; headers?: Record<string, string>; body?: unknown }): Promise<HttpResponse> {
    let res = await this.once(req);
    if (res.response.status === 401 && this.options.auth.unauthorized) {
      this.options.auth.unauthorized(res.authorization);
      res = await this.once(req);
    }
    const { response } = res;
    if (response.status < 200 || response.status > 299) throw parseNetSuiteError(response.status, response.body);
    return response;
  }

  private async once(req: {
    method: HttpRequest['method'];
    url: string;
    headers?: Record<string, string>;
    body?: unknown;
  }): Promise<{ response: HttpResponse; authorization: string }> {
    const authorization = await this.options.auth.authorization({ method: req.method, url: req.url });
    try {
      const response = await httpRequest(
        { method: req.method, url: req.url, headers: { ...req.headers, authorization }, body: req.body, timeoutMs: this.options.timeoutMs },
        this.options.fetch,
      );
      return { response, authorization };
    } catch (err) {
      if (err instanceof NetworkError) throw new ErpError('network', err.message, {}, { cause: err });
      throw err;
    }
  }
}
