import type { ItemChangedEvent } from '../../domain/shared/erp-event';
import { requestCatalogRun } from '../../clients/catalog';
import type { ErpEventDeps } from '../erp/event-deps';

/**
 * `item.changed` only wakes the store's catalog sync early: the run reads every change since its
 * watermark from the ERP itself, so one wake-up per batch is enough and a lost event costs only
 * the wait for the next scheduled run.
 */
export async function handleItemChanged(deps: ErpEventDeps, events: ItemChangedEvent[]): Promise<void> {
  if (!events.length) return;
  for (const store of deps.config.stores) {
    await requestCatalogRun(deps.client, deps.config, store.storeHash, { reason: `ERP item.changed (${events.length} event(s), e.g. ${events[0]!.sku})` });
  }
}
