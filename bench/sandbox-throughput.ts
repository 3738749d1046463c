import { CONNECTIONS, DURATION_S, GOAL_RPS, measureThroughput, type LoadResult } from '../sandbox/bench/throughput';
import { writeResult } from './support/result';

/**
 * `npm run bench -- sandbox`: the sandbox package's own throughput bench (sandbox/bench/throughput.ts
 * says what it measures), recorded in bench/results/sandbox.json with the other benches.
 */
export async function main(): Promise<void> {
  const startedAt = new Date();
  const { order, time, baseline, clean, details, line } = await measureThroughput();
  console.log(`\n${details.join('\n')}`);
  console.log(line);
  const counted = (r: LoadResult, what: string) =>
    `autocannon (the load generator): ${what} answered per second over ${DURATION_S} s after a 2 s warm-up, ${CONNECTIONS} connections; p99 ${r.p99} ms, ${r.errors} errors, ${r.non2xx} non-2xx`;
  writeResult({
    name: 'sandbox',
    line,
    command: 'npm run bench -- sandbox',
    figures: {
      order_get_rps: {
        value: Math.round(order.rps),
        witness: counted(order, 'sandbox GET /v2/orders/{id}?include=consignments.line_items'),
        goal: `>= ${GOAL_RPS}`,
        met: order.rps >= GOAL_RPS,
      },
      time_get_rps: { value: Math.round(time.rps), witness: counted(time, 'sandbox GET /v2/time'), goal: `>= ${GOAL_RPS}`, met: time.rps >= GOAL_RPS },
      baseline_rps: { value: Math.round(baseline.rps), witness: counted(baseline, "bare node:http server, same order JSON (the machine's ceiling)") },
      all_2xx: { value: clean, witness: 'autocannon (the load generator): errors, timeouts and non-2xx answers of all three targets', goal: 'true', met: clean },
    },
    baseline: `bare node:http, same order JSON: ${baseline.rps.toFixed(0)} req/s`,
    details,
    startedAt: startedAt.toISOString(),
    durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
  });
}

// Allow `tsx bench/sandbox-throughput.ts` too.
if (require.main === module) void main();
