/**
 * NetSuite REST failures, classified. Body shape (ns:section_156570709583):
 * `{type, title, status, "o:errorDetails": [{detail, "o:errorCode"}]}`.
 */
export type ErpErrorKind = 'not_found' | 'validation' | 'auth' | 'login_rejected' | 'forbidden' | 'concurrency_limit' | 'server' | 'network' | 'bad_response';

/**
 * NetSuite's two answers that mean "the account is busy", not "this request is wrong": a 429
 * `CONCURRENCY_LIMIT_EXCEEDED` (the account-wide limit, shared with every other integration), and a
 * 401 "Invalid login attempt", which NetSuite also answers under load (after about a minute; see
 * FACTS: the same body as a bad credential, so only its persistence tells them apart).
 */
export type ErpBackPressure = 'concurrency_429' | 'invalid_login_401';

const INVALID_LOGIN = /invalid login attempt/i;

/** Which back-pressure an answer is, if any; `body` as parsed (JSON) or the raw text. */
export function backPressureOf(status: number, body: unknown): ErpBackPressure | undefined {
  if (status === 429) return 'concurrency_429';
  const { errorCode, detail, title } = errorFields(body);
  if (errorCode === 'CONCURRENCY_LIMIT_EXCEEDED') return 'concurrency_429';
  if (status === 401 && (errorCode === 'INVALID_LOGIN' || [detail, title, typeof body === 'string' ? body : ''].some((t) => INVALID_LOGIN.test(t)))) return 'invalid_login_401';
  return undefined;
}

function errorFields(body: unknown): { detail: string; errorCode?: string; title: string } {
  let detail = '';
  let errorCode: string | undefined;
  let title = '';
  if (body && typeof body === 'object') {
    const b = body as { title?: unknown; 'o:errorDetails'?: unknown };
    title = typeof b.title === 'string' ? b.title : '';
    const first = Array.isArray(b['o:errorDetails']) ? (b['o:errorDetails'][0] as Record<string, unknown> | undefined) : undefined;
    if (first) {
      detail = typeof first.detail === 'string' ? first.detail : '';
      errorCode = typeof first['o:errorCode'] === 'string' ? first['o:errorCode'] : undefined;
    }
  }
  return { detail, errorCode, title };
}

export class ErpError extends Error {
  constructor(
    readonly kind: ErpErrorKind,
    message: string,
    readonly details: { status?: number; errorCode?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ErpError';
  }
}

export function parseNetSuiteError(status: number, body: unknown): ErpError {
  const { detail, errorCode, title } = errorFields(body);
  const message = `NetSuite ${status}${errorCode ? ` ${errorCode}` : ''}: ${detail || title || 'no error body'}`;
  // Back-pressure first: retried later with backoff (activities/shared/failures.ts), never taken
  // for a bad request or a bad credential on its own.
  const pressure = backPressureOf(status, body);
  const kind: ErpErrorKind =
    pressure === 'concurrency_429'
      ? 'concurrency_limit'
      : pressure === 'invalid_login_401'
        ? 'login_rejected'
        : status === 404
          ? 'not_found'
          : status === 401
            ? 'auth'
            : status === 403
              ? 'forbidden'
              : status >= 500
                ? 'server'
                : 'validation';
  return new ErpError(kind, message, { status, errorCode });
}
