/**
 * NetSuite REST failures, classified. Body shape (ns:section_156570709583):
 * `{type, title, status, "o:errorDetails": [{detail, "o:errorCode"}]}`.
 */
export type ErpErrorKind = 'not_found' | 'validation' | 'auth' | 'forbidden' | 'concurrency_limit' | 'server' | 'network' | 'bad_response';

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
  const message = `NetSuite ${status}${errorCode ? ` ${errorCode}` : ''}: ${detail || title || 'no error body'}`;
  // Concurrency overflow is a 429 CONCURRENCY_LIMIT_EXCEEDED; the account limit is shared with
  // every other integration, so it comes and goes regardless of what we send.
  const kind: ErpErrorKind =
    status === 429 || errorCode === 'CONCURRENCY_LIMIT_EXCEEDED'
      ? 'concurrency_limit'
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
