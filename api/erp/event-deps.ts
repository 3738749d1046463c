import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env';
import type { InventoryChangedEvent, ItemChangedEvent, RefundAuthorizedEvent } from '../../domain/shared/erp-event';
import type { Logger } from '../../lib/logger';

export interface ErpEventDeps {
  client: Client;
  config: Config;
  logger: Logger;
}

/**
 * What each kind of ERP event starts. A handler resolves only once its events are durable in
 * Temporal (a signal or start accepted); `POST /webhooks/erp` answers 202 only after every handler
 * of the batch resolved, so the ERP retries anything not yet safe. A kind without a handler is
 * acknowledged and ignored (counted in bcsync_webhooks_total{outcome="ignored"}).
 */
export interface ErpEventHandlers {
  inventory?: (deps: ErpEventDeps, events: InventoryChangedEvent[]) => Promise<void>;
  refund?: (deps: ErpEventDeps, events: RefundAuthorizedEvent[]) => Promise<void>;
  item?: (deps: ErpEventDeps, events: ItemChangedEvent[]) => Promise<void>;
}
