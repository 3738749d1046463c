/**
 * How NetSuite requests are authorized: one implementation per mode (m2m.ts, tba.ts, bearer.ts).
 * Nothing here knows Temporal: the worker builds one per process and every activity shares it.
 */
export interface ErpAuthRequest {
  method: string;
  /** The absolute URL, query included (TBA signs the query parameters). */
  url: string;
}

export interface ErpAuth {
  readonly mode: 'm2m' | 'tba' | 'bearer';
  /** The `Authorization` header value for this request. Never logged, never put in an error. */
  authorization(req: ErpAuthRequest): Promise<string>;
  /**
   * NetSuite answered 401 to a request sent with `rejected`: drop that credential if it is still the
   * current one (a cached token), so the next `authorization()` obtains a fresh one.
   */
  unauthorized?(rejected: string): void;
}
