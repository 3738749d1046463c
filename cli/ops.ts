import type { Client } from '@temporalio/client';
import { temporalSettings } from '../config/temporal';
import { ConfigError } from '../config/errors';
import { connectClient } from '../workers/temporal-connection';
import type { Decision } from '../workflows/orders/order-sync.contract';
import { decide, listAttention } from '../clients/attention';

/**
 * `bcsync attention list` and `bcsync retry|skip|resolve <workflowId>`: the ops decisions from a
 * terminal, straight to Temporal (the TEMPORAL_* settings, payload keys included).
 */
async function connect(): Promise<{ client: Client; connection: { close: () => Promise<void> } }> {
  // Only the Temporal settings: an ops terminal needs no store or ERP credentials. The payload keys
  // decode what the workflows report (problems, notes), as the codec server does for the Web UI.
  const parsed = temporalSettings.parse(process.env);
  if (!parsed.ok) throw new ConfigError(parsed.issues);
  const { client, close } = await connectClient(parsed.value);
  return { client, connection: { close } };
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
