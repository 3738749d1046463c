import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import type { Decision } from '../workflows/orders/order-sync.contract';
import { decide, listAttention } from '../clients/attention';

/**
 * `bcsync attention list` and `bcsync retry|skip|resolve <workflowId>`: the ops decisions from a
 * terminal, straight to Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY).
 */
async function connect(): Promise<{ client: Client; connection: Connection }> {
  const env = z
    .object({ TEMPORAL_ADDRESS: z.string().default('localhost:7233'), TEMPORAL_NAMESPACE: z.string().default('default'), TEMPORAL_API_KEY: z.string().optional() })
    .parse(process.env);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, apiKey: env.TEMPORAL_API_KEY, tls: env.TEMPORAL_API_KEY ? {} : undefined });
  return { connection, client: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }) };
}

export async function runAttentionList(opts: { store?: string; json: boolean }): Promise<void> {
  const { client, connection } = await connect();
  try {
    const items = await listAttention(client, { storeHash: opts.store, details: true });
    if (opts.json) {
      console.log(JSON.stringify(items, null, 2));
      return;
    }
    if (items.length === 0) {
      console.log('Nothing needs attention: no parked orders, refunds or catalog items.');
      return;
    }
    const catalog = items.filter((i) => i.workflowType === 'catalogSync');
    const orders = items.filter((i) => i.workflowType !== 'catalogSync');
    for (const i of orders) {
      console.log(`${i.workflowId}  ${i.errorType ?? '?'}  ${i.problem ? `[${i.problem.step}] ${i.problem.message}` : ''}`);
    }
    // One line per parked SKU: `catalog:<store>  SKU  ErrorType: reason`.
    for (const i of catalog) console.log(`${i.workflowId}  ${i.sku ?? '?'}  ${i.errorType ?? '?'}: ${i.reason ?? ''}`);
    if (orders.length) console.log(`\n${orders.length} order(s) need attention. Decide with: bcsync retry|skip|resolve <workflowId> [--sku-map OLD=NEW,...] [--note text]`);
    if (catalog.length) console.log(`${orders.length ? '' : '\n'}${catalog.length} catalog item(s) parked. Decide with: bcsync catalog retry|skip --store <store> [--sku A,B]`);
  } finally {
    await connection.close();
  }
}

export function parseSkuMap(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const map: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [from, to] = pair.split('=');
    if (!from?.trim() || !to?.trim()) throw new Error(`--sku-map takes OLD=NEW pairs separated by commas, got "${pair}"`);
    map[from.trim()] = to.trim();
  }
  return map;
}

export async function runDecision(workflowId: string, decision: Decision): Promise<void> {
  const { client, connection } = await connect();
  try {
    const result = await decide(client, workflowId, decision);
    console.log(`${workflowId}: ${decision.action} -> ${result.status}${result.problem ? ` (still: ${result.problem.type}: ${result.problem.message})` : ''}`);
  } finally {
    await connection.close();
  }
}
