import type { RateLimitInfo } from './rate-limit-headers';

/**
 * BigCommerce failures as types the activities can act on. The distinctions that matter:
 * - rate_limited: a 429 with the rate headers; wait `resetMs`, then the call will pass.
 * - platform_load: a 429 without them ("the platform experiences high load"); back off longer.
 * - not_found / validation / auth: retrying the same request will not help.
 * - server / network: may succeed on retry, but only safe for idempotent requests.
 */
export type BcErrorKind = 'not_found' | 'validation' | 'auth' | 'forbidden' | 'rate_limited' | 'platform_load' | 'conflict' | 'too_large' | 'server' | 'network' | 'bad_response';

export interface BcFieldError {
  field: string;
  message: string;
}

export class BigCommerceError extends Error {
  constructor(
    readonly kind: BcErrorKind,
    message: string,
    readonly details: {
      status?: number;
      method?: string;
      path?: string;
      fieldErrors?: BcFieldError[];
      rateLimit?: RateLimitInfo;
      /** rate_limited: until the window resets; platform_load: the pacer's store-wide backoff. */
      retryAfterMs?: number;
      /** The error body as sent: batch endpoints list each failed item in it (`batch_errors`, 207 `errors`). */
      body?: unknown;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BigCommerceError';
  }
}

export function kindForStatus(status: number, hasRateHeaders: boolean): BcErrorKind {
  if (status === 429) return hasRateHeaders ? 'rate_limited' : 'platform_load';
  if (status === 404) return 'not_found';
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 409) return 'conflict';
  if (status === 413) return 'too_large';
  if (status === 400 || status === 422) return 'validation';
  if (status >= 500) return 'server';
  return 'validation';
}

/**
 * Error bodies come in two shapes: V2 `[{status, message}]` and V3
 * `{status, title, type, errors: {field: message}}` (shared/bigcommerce/FACTS.md section 5).
 */
export function parseErrorBody(body: unknown): { message: string; fieldErrors: BcFieldError[] } {
  if (Array.isArray(body)) {
    const messages = body.map((e) => (e && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : '')).filter(Boolean);
    return { message: messages.join('; ') || 'error', fieldErrors: [] };
  }
  if (body && typeof body === 'object') {
    const b = body as { title?: unknown; errors?: unknown; data?: unknown };
    const fieldErrors: BcFieldError[] = [];
    if (b.errors && typeof b.errors === 'object' && !Array.isArray(b.errors)) {
      for (const [field, message] of Object.entries(b.errors as Record<string, unknown>)) {
        fieldErrors.push({ field, message: String(message) });
      }
    }
    // Refund errors wrap the V3 body in `data: [...]`.
    if (typeof b.title !== 'string' && Array.isArray(b.data)) return parseErrorBody(b.data[0]);
    return { message: typeof b.title === 'string' ? b.title : 'error', fieldErrors };
  }
  return { message: typeof body === 'string' && body ? body.slice(0, 200) : 'no error body', fieldErrors: [] };
}
