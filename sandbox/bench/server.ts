import { createServer } from 'node:http';
import { startSandboxes } from '../start-sandboxes';
import { demoOrderBody } from '../demo-orders';

/** A benchmark target in its own process: the sandbox (rate limiting off, one order) or a bare server. */
async function main() {
  const [kind, payload] = process.argv.slice(2);
  if (kind === 'bare') {
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(payload);
    });
    server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
    return;
  }
  const sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0, bigcommerce: { rateLimit: false } });
  const res = await fetch(`${sandboxes.bcUrl}/stores/sandbox/v2/orders`, {
    method: 'POST',
    headers: { 'x-auth-token': 'sandbox-token', 'content-type': 'application/json' },
    body: JSON.stringify(demoOrderBody(2)),
  });
  if (!res.ok) throw new Error(`seeding an order failed: ${res.status}`);
  process.send!({ port: Number(new URL(sandboxes.bcUrl).port) });
}

void main();
