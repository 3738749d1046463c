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
}
