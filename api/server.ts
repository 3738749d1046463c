import type { Server } from 'node:http';
import type { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Logger } from '../lib/logger';
import { createOmsClient } from '../config/connections';
import { createApiApp } from './app';

export async function startApiServer(
  config: Config,
  deps: { client: Client; connection: Connection; logger: Logger; host?: string; port?: number },
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const app = createApiApp({ client: deps.client, connection: deps.connection, logger: deps.logger, config, oms: createOmsClient(config) });
  const host = deps.host ?? config.api.host;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(deps.port ?? config.api.port, host);
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  // Every request has an overall deadline: a sender that trickles its headers or body is cut off
  // instead of holding a connection (and the route's memory) open.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.api.port;
  return {
    server,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
