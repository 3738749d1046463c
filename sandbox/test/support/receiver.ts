import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Json } from './json';

export interface Received {
  atMs: number;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Json;
}

/**
 * A tiny HTTP endpoint for webhook deliveries: records every request and answers with whatever
 * status `respond` says (200 by default), so tests can make a receiver fail, flap or recover.
 */
export async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  respond: (n: number) => number;
  setRespond(fn: (n: number) => number): void;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  let respond = (_n: number) => 200;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // not JSON: keep the text
      }
      received.push({ atMs: Date.now(), headers: req.headers, raw, body });
      res.statusCode = respond(received.length);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    get respond() {
      return respond;
    },
    setRespond(fn) {
      respond = fn;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
