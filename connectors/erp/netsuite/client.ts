import { httpRequest, NetworkError, type FetchLike, type HttpRequest, type HttpResponse } from '../../http';
import { ErpError, parseNetSuiteError } from './errors';

export interface NetSuiteClientOptions {
  /** https://<accountId>.suitetalk.api.netsuite.com, or the ERP sandbox. */
  apiUrl: string;
  /**
   * OAuth 2.0 bearer token. Obtaining it (M2M client credentials with a signed JWT) is not built
   * yet: for now the token is configured directly.
   */
  accessToken: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

/** REST record API v1: https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545141395.html */
export class NetSuiteClient {
  readonly recordBase: string;

  constructor(private readonly options: NetSuiteClientOptions) {
    this.recordBase = `${options.apiUrl.replace(/\/+$/, '')}/services/rest/record/v1`;
  }

  async request(method: HttpRequest['method'], path: string, body?: unknown): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await httpRequest(
        {
          method,
          url: this.recordBase + path,
          headers: { authorization: `Bearer ${this.options.accessToken}` },
          body,
          timeoutMs: this.options.timeoutMs,
        },
        this.options.fetch,
      );
    } catch (err) {
      if (err instanceof NetworkError) throw new ErpError('network', err.message, {}, { cause: err });
      throw err;
    }
    if (res.status < 200 || res.status > 299) throw parseNetSuiteError(res.status, res.body);
    return res;
  }

  /**
   * One page of a SuiteQL query (`POST /services/rest/query/v1/suiteql?limit=&offset=`, `Prefer:
   * transient`; at most 1000 rows a page): https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
   */
  async suiteql(q: string, page: { limit: number; offset: number }): Promise<{ items: Array<Record<string, unknown>>; hasMore: boolean }> {
    const url = `${this.options.apiUrl.replace(/\/+$/, '')}/services/rest/query/v1/suiteql?limit=${page.limit}&offset=${page.offset}`;
    let res: HttpResponse;
    try {
      res = await httpRequest(
        { method: 'POST', url, headers: { authorization: `Bearer ${this.options.accessToken}`, prefer: 'transient' }, body: { q }, timeoutMs: this.options.timeoutMs },
        this.options.fetch,
      );
    } catch (err) {
      if (err instanceof NetworkError) throw new ErpError('network', err.message, {}, { cause: err });
      throw err;
    }
    if (res.status < 200 || res.status > 299) throw parseNetSuiteError(res.status, res.body);
    const body = res.body as { items?: unknown; hasMore?: unknown } | undefined;
    if (!body || !Array.isArray(body.items)) throw new ErpError('bad_response', `SuiteQL answered ${res.status} without items`, { status: res.status });
    return { items: body.items as Array<Record<string, unknown>>, hasMore: body.hasMore === true };
  }
}
