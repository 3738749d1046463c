import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fuzz bench sends it: the exact bytes, so a replay can send them again. */
export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path and query, e.g. `/webhooks/oms?token=...`. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Sent with `transfer-encoding: chunked` (no content-length) in pieces of this many bytes. */
  chunked?: number;
}

export type FuzzAnswer = { status: number; body: string; ms: number } | { error: string; ms: number };

/** At most this much of an answer is kept: the receivers' answers are small JSON. */
const ANSWER_KEEP = 64 * 1024;

/**
 * Sends one request and resolves with the HTTP answer or, when none came (reset, refused, no answer
 * within `timeoutMs`), with the error. An error after the answer's head (the server closing while
 * the upload still ran) does not undo the answer.
 */
export function send(baseUrl: string, agent: http.Agent, req: FuzzRequest, timeoutMs = 30_000): Promise<FuzzAnswer> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (a: FuzzAnswer) => {
      if (!settled) {
        settled = true;
        resolve(a);
      }
    };
    const headers: Record<string, string> = { ...req.headers };
    if (req.chunked) headers['transfer-encoding'] = 'chunked';
    else if (req.body && headers['content-length'] === undefined) headers['content-length'] = String(req.body.length);
    const r = http.request(`${baseUrl}${req.path}`, { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept < ANSWER_KEEP) {
          chunks.push(c);
          kept += c.length;
        }
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, ANSWER_KEEP), ms: Date.now() - t0 }));
      res.on('error', (err) => done({ status: res.statusCode ?? 0, body: `(answer cut: ${err.message})`, ms: Date.now() - t0 }));
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', (err) => done({ error: `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`.trim(), ms: Date.now() - t0 }));
    if (!req.body) return void r.end();
    if (!req.chunked) return void r.end(req.body);
    // Chunked: written in pieces, as a streaming sender would; a server that answered early may stop reading.
    const step = req.chunked;
    let i = 0;
    const pump = (): void => {
      while (i < req.body!.length) {
        const piece = req.body!.subarray(i, i + step);
        i += step;
        if (!r.write(piece)) return void r.once('drain', pump);
      }
      r.end();
    };
    pump();
  });
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  status: number;
}

/**
 * A pass-through HTTP proxy in front of a sandbox that records every request it forwards: the
 * witness of what the API process asked the OMS (the API is pointed at it; the workers are not).
 */
export async function recordingProxy(targetUrl: string): Promise<{ url: string; log: RecordedRequest[]; close(): Promise<void> }> {
  const target = new URL(targetUrl);
  const log: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const entry: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', status: 0 };
    log.push(entry);
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (upRes) => {
      entry.status = upRes.statusCode ?? 0;
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * A server nobody should ever call: the "other host" of the SSRF shapes. Every request it receives
 * is recorded (and answered 200 with a shipments-like body, so a follower would be tempted on).
 */
export async function canary(): Promise<{ url: string; port: number; hits: RecordedRequest[]; close(): Promise<void> }> {
  const hits: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', status: 200 });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ shipments: [], total: 0, page: 1, pages: 1 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, hits, close: () => new Promise((r) => server.close(() => r())) };
}
