import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env';
import type { InventoryChangedEvent, ItemChangedEvent, RefundAuthorizedEvent } from '../../domain/shared/erp-event';
import type { Logger } from '../../lib/logger';

export interface ErpEventDeps {
  client: Client;
  config: Config;
  logger: Logger;
}

/** Events of a handler's share that are not taken (Temporal refused them, the ERP has no such record), each with why. */
export interface HandlerRefusals<E> {
  rejected: Array<{ event: E; reason: string }>;
}

/**
 * What each kind of ERP event starts. A handler resolves only once its events are durable in
 * Temporal (a signal or start accepted); `POST /webhooks/erp` answers 202 only after every handler
 * of the batch resolved, so the ERP retries anything not yet safe (a handler that throws: 503). An
 * event that can never be taken (Temporal refused it as an invalid argument, the ERP has no such
 * record) is returned as rejected, with the reason, and reported per event; the others are taken.
 * A kind without a handler is acknowledged and ignored (counted in bcsync_webhooks_total{outcome="ignored"}).
 */
/** What a handler resolves to: nothing when it took every event, else its refusals. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that took every event returns nothing (plain async functions fit)
export type HandlerResult<E> = Promise<HandlerRefusals<E> | void>;

export interface ErpEventHandlers {
  inventory?: (deps: ErpEventDeps, events: InventoryChangedEvent[]) => HandlerResult<InventoryChangedEvent>;
  refund?: (deps: ErpEventDeps, events: RefundAuthorizedEvent[]) => HandlerResult<RefundAuthorizedEvent>;
  item?: (deps: ErpEventDeps, events: ItemChangedEvent[]) => HandlerResult<ItemChangedEvent>;
}
