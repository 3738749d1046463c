import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';

/**
 * Is the sandbox ever the bottleneck of a load test? Simple GETs per second against the BigCommerce
 * sandbox with rate limiting off (GET /v2/orders/{id} with consignments and line items, the call
 * every order workflow makes, and GET /v2/time), next to the machine's ceiling: a bare node:http
 * server answering the same order JSON. Each server runs in its own process (server.ts); autocannon
 * drives it from this one (2 cores: load generator and server share the machine, as in CI). The
 * figures are autocannon's counts (the load generator's, not the servers').
 *
 * `npm run bench -w sandbox` prints them; the product's `npm run bench -- sandbox` runs the same
 * measurement and records it with the other benches' results.
 */
export const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
export const CONNECTIONS = 20;
export const GOAL_RPS = 2000;

export interface LoadResult {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface Throughput {
  order: LoadResult;
  time: LoadResult;
  baseline: LoadResult;
  /** Every response of the three targets was a 2xx: a fast 404 would prove nothing. */
  clean: boolean;
  /** One line per target. */
  details: string[];
  /** `sandbox: order_get_rps=... ok=...` */
  line: string;
}

async function load(name: string, url: string, headers: Record<string, string>): Promise<LoadResult> {
  // Warm-up: JIT and connection setup out of the measured window.
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 2 });
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION_S });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

function startChild(script: string, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(script, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, port: (m as { port: number }).port }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

export async function measureThroughput(): Promise<Throughput> {
  const server = path.join(__dirname, 'server.ts');
  const children: ChildProcess[] = [];
  const results: LoadResult[] = [];
  try {
    const sandbox = await startChild(server, ['sandbox']);
    children.push(sandbox.child);
    const orderUrl = `http://127.0.0.1:${sandbox.port}/stores/sandbox/v2/orders/100?include=consignments.line_items&consignment_structure=object`;
    const auth = { 'x-auth-token': 'sandbox-token' };
    // The bare server answers this body: an error page here would make the baseline meaningless.
    const res = await fetch(orderUrl, { headers: auth });
    if (!res.ok) throw new Error(`bench scenario could not run: sandbox GET /v2/orders/100 answered ${res.status}`);
    const orderJson = await res.text();
    const bare = await startChild(server, ['bare', orderJson]);
    children.push(bare.child);

    results.push(await load('sandbox GET /v2/orders/{id} (+consignments.line_items)', orderUrl, auth));
    results.push(await load('sandbox GET /v2/time', `http://127.0.0.1:${sandbox.port}/stores/sandbox/v2/time`, auth));
    results.push(await load('baseline: bare node:http, same order JSON', `http://127.0.0.1:${bare.port}/`, {}));
  } finally {
    for (const c of children) c.kill();
  }

  const details = [`sandbox throughput, ${CONNECTIONS} connections, ${DURATION_S} s each, rate limiting off`];
  for (const r of results) {
    details.push(`  ${r.name.padEnd(58)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  non-2xx ${r.non2xx}`);
  }
  const [order, time, baseline] = results as [LoadResult, LoadResult, LoadResult];
  const clean = results.every((r) => r.errors === 0 && r.non2xx === 0);
  const line = `sandbox: order_get_rps=${order.rps.toFixed(0)} time_get_rps=${time.rps.toFixed(0)} baseline_rps=${baseline.rps.toFixed(0)} goal_rps=${GOAL_RPS} all_2xx=${clean} ok=${clean && order.rps >= GOAL_RPS && time.rps >= GOAL_RPS}`;
  return { order, time, baseline, clean, details, line };
}

if (require.main === module) {
  measureThroughput().then(
    (t) => {
      console.log(`\n${t.details.join('\n')}\n${t.line}`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
