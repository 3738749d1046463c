/**
 * The one place connectors touch the network: fetch with a timeout, the body read once, and network
 * failures turned into a value the caller can classify. No retries here: retrying is Temporal's job,
 * and only the caller knows whether a request is safe to repeat.
 */
export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, the raw text when it is not JSON, or undefined for an empty body. */
  body: unknown;
}

export class NetworkError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  /**
   * fetch's redirect mode; 'follow' when unset. With 'manual' a 3xx comes back as the response
   * (never followed), for a client that must not carry its credentials anywhere else.
   */
  redirect?: 'follow' | 'manual' | 'error';
  /** The most body bytes read; a longer body is a ResponseTooLargeError, not a buffer without end. */
  maxBodyBytes?: number;
  /** Aborts the request and the body's read (a caller's deadline across several requests). */
  signal?: AbortSignal;
}

/** The body was longer than the request's `maxBodyBytes`: the read stopped there. */
export class ResponseTooLargeError extends Error {
  constructor(
    message: string,
    readonly limitBytes: number,
  ) {
    super(message);
    this.name = 'ResponseTooLargeError';
  }
}

export type FetchLike = typeof fetch;

export async function httpRequest(req: HttpRequest, fetchImpl: FetchLike = fetch): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  const timeout = AbortSignal.timeout(req.timeoutMs ?? 30_000);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  const failed = (err: unknown) => {
    if (err instanceof ResponseTooLargeError) return err;
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const reason = !timedOut ? describeCause(err) : timeout.aborted ? `timed out after ${req.timeoutMs ?? 30_000} ms` : 'aborted by the caller (deadline)';
    return new NetworkError(`${req.method} ${redactUrl(req.url)}: ${reason}`, timedOut, { cause: err });
  };
  let res: Response;
  let text: string;
  try {
    res = await fetchImpl(req.url, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal,
      ...(req.redirect ? { redirect: req.redirect } : {}),
    });
    text = req.maxBodyBytes === undefined ? await res.text() : await readCapped(res, req.maxBodyBytes, `${req.method} ${redactUrl(req.url)}`);
  } catch (err) {
    throw failed(err);
  }
  let body: unknown;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, headers: res.headers, body };
}

/** The body as text, reading no more than `limit` bytes (a declared longer length is refused unread). */
async function readCapped(res: Response, limit: number, what: string): Promise<string> {
  const tooLarge = () => new ResponseTooLargeError(`${what}: response body over ${limit} bytes`, limit);
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks, total)); // as res.text(): UTF-8, BOM dropped
}

function describeCause(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}

/** Query strings never carry secrets here, but keep log lines to the path anyway. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}
