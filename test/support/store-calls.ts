import { requestCatalogRun } from '../../clients/catalog';
import { catalogStateQuery, catalogWorkflowId, type CatalogSyncState } from '../../workflows/catalog/catalog-sync.contract';
import { eventually, type Stack } from './stack';
import type { Json } from './json';

/** The test store's BigCommerce API (the sandbox), as the store's token: JSON back, or an error naming the status. */
export function storeApi(stack: Stack): (method: string, p: string, body?: unknown) => Promise<Json> {
  return async (method, p, body) => {
    const res = await fetch(`${stack.sandboxes.bcUrl}/stores/${stack.storeHash}${p}`, {
      method,
      headers: { 'x-auth-token': 'test-token', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = res.status === 204 ? [] : await res.json();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** Wakes the store's catalog sync and waits until that run has ended. */
export async function runCatalog(stack: Stack, reason: string): Promise<CatalogSyncState> {
  const handle = () => stack.client.workflow.getHandle(catalogWorkflowId(stack.storeHash));
  let before = 0;
  try {
    before = (await handle().query(catalogStateQuery)).runs;
  } catch {
    // not started yet
  }
  await requestCatalogRun(stack.client, stack.config, stack.storeHash, { reason });
  return eventually(
    async () => {
      const s = await handle().query(catalogStateQuery);
      return s.runs > before && !s.running ? s : undefined;
    },
    `catalog run "${reason}"`,
    60_000,
  );
}
