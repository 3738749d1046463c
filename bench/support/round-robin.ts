import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A load balancer in front of several `bcsync api` processes, as BigCommerce reaches them in
 * production: each delivery goes to the next API in turn; an API that refuses the connection (it is
 * restarting) is skipped for the next one, as a proxy with passive health checks does. It records
 * every answer it passed back (delivery key, API, status, time): the load generator's own view of
 * what the APIs answered, the witness of 503s and of their redelivery.
 */
export interface ProxiedAnswer {
  /** `webhook-id` (BigCommerce's Standard Webhooks id, the same on every retry), else a hash of the body. */
  key: string;
  path: string;
  /** Index of the API that answered; -1 when none could be reached. */
  upstream: number;
  /** HTTP status passed back; 502 when no API could be reached. */
  status: number;
  /** When the delivery reached the load balancer, and when its answer went back. */
  receivedMs: number;
  atMs: number;
}

export interface RoundRobin {
  url: string;
  answers: ProxiedAnswer[];
  /** Connections an API refused, each retried on the next API. */
  failovers: number;
  close(): Promise<void>;
}

/** Hop-by-hop headers a proxy does not forward. */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

export async function roundRobin(upstreamPorts: readonly number[]): Promise<RoundRobin> {
  let next = 0;
  const state: Omit<RoundRobin, 'url' | 'close'> = { answers: [], failovers: 0 };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const forward = (port: number, req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
      headers['content-length'] = String(body.length);
      const up = http.request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });

  const server = http.createServer((req, res) => {
    const receivedMs = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const id = req.headers['webhook-id'];
      const key =
        typeof id === 'string' && id
          ? id
          : createHash('sha1')
              .update(req.url ?? '')
              .update(body)
              .digest('hex');
      const first = next++ % upstreamPorts.length;
      for (let i = 0; i < upstreamPorts.length; i++) {
        const upstream = (first + i) % upstreamPorts.length;
        try {
          const answer = await forward(upstreamPorts[upstream]!, req, body);
          state.answers.push({ key, path: req.url ?? '', upstream, status: answer.status, receivedMs, atMs: Date.now() });
          const headers: http.OutgoingHttpHeaders = {};
          for (const [k, v] of Object.entries(answer.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
          headers['content-length'] = String(answer.body.length);
          res.writeHead(answer.status, headers);
          res.end(answer.body);
          return;
        } catch (err) {
          // Refused or reset before an answer (an API restarting): the next API gets the delivery.
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET') break;
          state.failovers++;
        }
      }
      state.answers.push({ key, path: req.url ?? '', upstream: -1, status: 502, receivedMs, atMs: Date.now() });
      res.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
