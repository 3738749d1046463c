import { ActivityFailure, CancellationScope, getExternalWorkflowHandle, ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { orderLines, orderUnits } from '../../domain/inventory/levels';
import { erpContent, erpTotalMismatch, hasRefunds, isCancelled, isIncomplete, STATUS, wantsFulfilment } from '../../domain/orders/lifecycle';
import { mapOrderToOmsOrder } from '../../domain/orders/map-order-to-oms-order';
import { mapOrderToSalesOrder } from '../../domain/orders/map-order-to-sales-order';
import type { BcOrder } from '../../domain/orders/order';
import {
  cancellationPlan,
  erpLookFirst,
  erpWriteDue,
  holdNote,
  omsCancelledProblem,
  omsLookFirst,
  omsWriteDue,
  takeEvents,
  totalMismatchProblem,
} from '../../domain/orders/order-sync-state';
import { fingerprint } from '../../domain/shared/fingerprint';
import { erpSalesOrderExternalId } from '../../domain/shared/ids';
import { BcOrderId, BcStoreHash } from '../../domain/shared/search-attributes';
import { inventoryBookedSignal, inventorySaleSignal, inventoryWorkflowId, type InventorySale } from '../inventory/inventory-sync.contract';
import { refundSync } from '../refunds/refund-sync';
import { refundWorkflowId } from '../refunds/refund-sync.contract';
import { activityStep } from '../shared/activity-step';
import { orderActivities } from './order-activities';
import type { OrderLifecycleInput, OrderLifecycleState, Problem } from './order-sync.contract';

export const UNDO_UNCONFIRMED_PATCH = 'cancel-undoes-unconfirmed-writes';
export const DISCOVER_REFUNDS_PATCH = 'discover-missed-refunds';
/** Tells inventorySync the units this order took in BigCommerce until the ERP books them (oversell protection). */
export const INVENTORY_PATCH = 'inventory-pending-units';
/** Inventory notes go as a signal from this workflow, not through an activity (half the billed actions). */
export const NOTES_BY_SIGNAL_PATCH = 'inventory-notes-by-signal';
/** Compares the ERP's total with BigCommerce's after every sales-order write; a difference parks the order. */
export const ERP_TOTAL_PATCH = 'erp-total-check';
/**
 * Reconciliation's copy of the order replaces ours only when it is not older (its date_modified,
 * then its read time; domain/orders/order-sync-state.ts snapshotVerdict). Asked only when the new
 * rule and the one before disagree, so a run where they agree records no marker.
 */
export const STALE_SNAPSHOT_PATCH = 'stale-snapshot-ignored';

/**
 * One pass over an order, step by step: read it (unless every new event is older than our last
 * read), then act on the difference from what was last synced: ERP upsert, ERP id written back, OMS
 * upsert once paid, close and cancel once cancelled, shipments copied back from the OMS. Every step
 * is idempotent; a step that cannot succeed parks the order (a failed OMS write also undoes the ERP
 * order and holds the order in BigCommerce). The decisions are in domain/orders/order-sync-state.ts.
 */
export function orderPass(input: OrderLifecycleInput, state: OrderLifecycleState, run: { current: boolean; has: (patchId: string) => boolean }) {
  const { storeHash, orderId } = input;
  const { has, current } = run;
  const externalId = erpSalesOrderExternalId(storeHash, orderId);
  const { bc, erp, inventory, oms } = orderActivities(input);
  const step = <T>(name: Problem['step'], fn: () => Promise<T>) => activityStep(name, fn, 'retry window');

  function park(problem: Problem): false {
    state.problem = problem;
    state.status = 'NeedsAttention';
    return false;
  }

  /** Takes in what an activity read of the order (it reads again after its own writes). */
  function tookRead(snapshot: { order: BcOrder; readAtS: number }): void {
    state.order = snapshot.order;
    state.lastReadAtS = Math.max(state.lastReadAtS, snapshot.readAtS);
  }

  async function read(): Promise<boolean> {
    const r = await step('fetch', () => bc.fetch.fetchOrderSnapshot(orderId));
    if (!r.ok) return park(r.problem);
    tookRead(r.value);
    return true;
  }

  /** Undo what the ERP has, hold the order in BigCommerce for a person, and park. */
  async function compensate(problem: Problem): Promise<false> {
    await CancellationScope.nonCancellable(async () => {
      if (state.erp.id && !state.erp.closed) {
        const closed = await step('compensation', () => erp.close.closeSalesOrder(externalId));
        if (closed.ok) state.erp.closed = true;
      }
      const order = state.order;
      if (order && order.statusId !== STATUS.manualVerificationRequired) {
        const held = await step('compensation', () => bc.status.setOrderStatus(orderId, STATUS.manualVerificationRequired, holdNote(problem)));
        if (held.ok) {
          state.hold = { previousStatusId: order.statusId };
          tookRead(held.value);
        }
      }
    });
    return park(problem);
  }

  /**
   * A note to the store's inventorySync: straight from this workflow (one signal), or, when that
   * workflow is not running (the store's first sale, or it ended), through the activity that
   * signal-with-starts it. Behind a patch: runs that sent every note through the activity replay so.
   */
  async function tellInventory(note: { sale: InventorySale } | { booked: { orderId: number; bookedAtMs: number } }): Promise<void> {
    if (has(NOTES_BY_SIGNAL_PATCH)) {
      try {
        const inventoryRun = getExternalWorkflowHandle(inventoryWorkflowId(storeHash));
        await ('sale' in note ? inventoryRun.signal(inventorySaleSignal, note.sale) : inventoryRun.signal(inventoryBookedSignal, note.booked));
        return;
      } catch {
        // Not running: the activity starts it.
      }
    }
    await ('sale' in note ? inventory.note.reportInventorySale(storeHash, note.sale) : inventory.note.reportInventoryBooked(storeHash, note.booked));
  }

  /** `bookedAtMs`: the ERP's own time of the write, when the upsert read it back (then no read here). */
  async function noteInventory(what: 'sold' | 'booked' | 'released', order: BcOrder, bookedAtMs?: number): Promise<void> {
    state.inventory ??= { sold: false, booked: false, released: false };
    const inv = state.inventory;
    const orderCreatedS = Math.floor(Date.parse(order.dateCreated) / 1000);
    try {
      if (what === 'sold') await tellInventory({ sale: { orderId, units: orderUnits(order.lines), lines: orderLines(order.lines), orderCreatedS } });
      if (what === 'released') await tellInventory({ sale: { orderId, units: {}, orderCreatedS } });
      if (what === 'booked') await tellInventory({ booked: { orderId, bookedAtMs: bookedAtMs ?? (await inventory.booked.salesOrderBookedAt(externalId)) } });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
    }
    inv[what] = true;
  }

  /** A refund whose webhook never came shows only in reconciliation's read: find it and start its workflow. */
  async function startMissedRefunds(): Promise<void> {
    const listed = await step('fetch', () => bc.refunds.listRefundIds(orderId));
    // Not found now: the next reconciliation that lists the order looks again.
    if (!listed.ok) return;
    for (const refundId of listed.value) {
      if (state.refunds?.[String(refundId)] || state.refundsStarted?.includes(refundId)) continue;
      try {
        await startChild(refundSync, {
          workflowId: refundWorkflowId(storeHash, refundId),
          args: [
            {
              storeHash,
              orderId,
              refundId,
              erpTaskQueue: input.erpTaskQueue,
              retryWindowMs: input.retryWindowMs,
              parkRetryMs: input.parkRetryMs,
              orderWaitMs: input.refunds?.orderWaitMs ?? 86_400_000,
              declineChecksMs: input.refunds?.declineChecksMs ?? [600_000, 3_600_000, 21_600_000],
            },
          ],
          // The refund outlives this run; it is not this order's to cancel.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [
            { key: BcStoreHash, value: storeHash },
            { key: BcOrderId, value: orderId },
          ],
          staticSummary: `BigCommerce refund #${refundId} of order #${orderId} · store ${storeHash} (found by reconciliation)`,
        });
      } catch (err) {
        // Already started by its webhook (running or done): nothing to do.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      state.refundsStarted = [...(state.refundsStarted ?? []), refundId];
    }
  }

  /** A cancelled order: close the ERP order, write its id back (under the gate), cancel the OMS order. */
  async function cancel(order: BcOrder): Promise<boolean> {
    // Each `has` only where the rules read it, as they always did: a patch marker is a command.
    const undoErp = state.erp.id === null && state.erp.unconfirmed === true && has(UNDO_UNCONFIRMED_PATCH);
    const undoOms = !state.oms.order && !!state.oms.unconfirmed && has(UNDO_UNCONFIRMED_PATCH);
    const plan = cancellationPlan(storeHash, order, state, { current, undoUnconfirmed: { erp: undoErp, oms: undoOms } });
    if (plan.closeErp) {
      const r = await step('cancel', () => erp.close.closeSalesOrder(externalId));
      if (!r.ok) return park(r.problem);
      state.erp.closed = true;
      // A write whose answer never came did land: the ERP's answer names the order, and its id
      // belongs on the BigCommerce order like any other (under the version gate; older results
      // carry no id, so recorded runs replay as they ran).
      if (current && state.erp.id === null && r.value.internalId) {
        state.erp.id = r.value.internalId;
        state.erp.unconfirmed = false;
      }
    }
    // The ERP has the (closed) sales order: its id still belongs on the order, even when the
    // cancellation came before the write-back did.
    if (current && state.erp.id && !state.erpIdWrittenBack && !(await writeBack())) return false;
    const target = plan.omsTarget;
    if (target) {
      const r = await step('cancel', () => oms.cancel.cancelOmsOrder(target, { onlyIfPresent: plan.omsOnlyIfPresent }));
      if (!r.ok) return park(r.problem);
      state.oms.status = 'cancelled';
    }
    return true;
  }

  async function writeBack(): Promise<boolean> {
    const erpId = state.erp.id;
    if (!erpId) return true;
    const r = await step('writeBack', () => bc.writeBack.writeBackErpId(orderId, erpId));
    if (!r.ok) return park(r.problem);
    state.erpIdWrittenBack = true;
    return true;
  }

  /** The sales order, written when due; a total that differs from BigCommerce's parks the order. */
  async function writeErp(order: BcOrder, ask: { decided: boolean; repairAsked: boolean; fromReconciliation: boolean; tracksInventory: boolean }): Promise<boolean> {
    const salesOrder = mapOrderToSalesOrder(storeHash, order);
    const erpPrint = fingerprint(erpContent(salesOrder));
    if (!erpWriteDue(state.erp, erpPrint, ask)) {
      // Parked on a total mismatch and nothing new to write: it stays parked until ops decide.
      return state.erp.totalMismatch ? park(totalMismatchProblem(state.erp.totalMismatch)) : true;
    }
    const lookFirst = erpLookFirst(state.erp, ask.fromReconciliation);
    state.erp.unconfirmed = true;
    const r = await step('erp', () => erp.upsert.upsertSalesOrder(salesOrder, { lookFirst }));
    if (!r.ok) {
      // Refused (validation): nothing landed. Transient: it may have.
      if (!r.problem.transient) state.erp.unconfirmed = false;
      return park(r.problem);
    }
    state.erp = { id: r.value.internalId, fingerprint: erpPrint, closed: false, unconfirmed: false };
    // The ERP's own total must be BigCommerce's: a difference is money missing (or extra) in the
    // books, so the order stops here for ops instead of passing silently.
    if (r.value.erpTotal !== undefined && has(ERP_TOTAL_PATCH)) {
      const mismatch = erpTotalMismatch(salesOrder.expectedTotal, r.value.erpTotal);
      if (mismatch) {
        state.erp.totalMismatch = mismatch;
        return park(totalMismatchProblem(mismatch));
      }
    }
    if (ask.tracksInventory && state.inventory?.sold && !state.inventory.booked) await noteInventory('booked', order, r.value.bookedAtMs);
    return true;
  }

  /** The OMS order, once paid (or once the OMS has it), while the OMS has not made it final. */
  async function writeOms(order: BcOrder, fromReconciliation: boolean): Promise<boolean> {
    if (!wantsFulfilment(order.statusId) && !state.oms.order) return true;
    const omsOrder = mapOrderToOmsOrder(storeHash, order, { skuMap: state.skuMap });
    const omsPrint = fingerprint(omsOrder);
    if (!omsWriteDue(state.oms, omsPrint, omsOrder)) return true;
    const lookFirst = omsLookFirst(state.oms, fromReconciliation);
    state.oms.unconfirmed = omsOrder;
    const r = await step('oms', () => oms.upsert.upsertOmsOrder(omsOrder, { lookFirst }));
    if (!r.ok) {
      if (r.problem.transient) return park(r.problem);
      state.oms.unconfirmed = null;
      return compensate(r.problem);
    }
    if (r.value.orderStatus === 'cancelled' && omsOrder.status !== 'cancelled') return park(omsCancelledProblem(order.status));
    state.oms = { fingerprint: omsPrint, status: r.value.orderStatus, order: omsOrder, unconfirmed: null };
    return true;
  }

  /** A retry got everything through: give the order back the status it had before our hold. */
  async function liftHold(previousStatusId: number): Promise<boolean> {
    const r = await step('compensation', () => bc.status.setOrderStatus(orderId, previousStatusId, `bcsync: synced after ops decision`));
    if (!r.ok) return park(r.problem);
    state.hold = null;
    tookRead(r.value);
    return true;
  }

  async function copyShipments(order: BcOrder): Promise<boolean> {
    const shipments = state.pendingShipments.slice();
    const r = await step('shipments', () => bc.shipments.copyShipments(orderId, order, shipments));
    if (!r.ok) return park(r.problem);
    for (const [omsId, bcId] of Object.entries(r.value.copied)) state.shipmentsCopied[omsId] = bcId;
    state.pendingShipments = state.pendingShipments.filter((s) => state.shipmentsCopied[String(s.shipmentId)] === undefined);
    tookRead(r.value);
    return true;
  }

  /**
   * One pass over the order; true when everything the order needs is in place. `decided`: a person
   * asked for it (retry), which also goes through our own hold.
   */
  return async function syncPass(forceRead: boolean, decided = false): Promise<boolean> {
    state.passes++;
    const events = state.pending.splice(0);
    const taken = takeEvents(events, state, forceRead, () => patched(STALE_SNAPSHOT_PATCH));
    if (taken.lastEvent) state.lastEvent = taken.lastEvent;
    state.order = taken.order;
    state.lastReadAtS = taken.lastReadAtS;
    if (taken.needRead && !(await read())) return false;
    if (taken.readSaved) state.fetchesSaved++;
    const current = state.order!;
    if (taken.fromReconciliation && hasRefunds(current) && has(DISCOVER_REFUNDS_PATCH)) await startMissedRefunds();
    if (isIncomplete(current.statusId)) return true;
    const tracksInventory = input.inventoryNotes !== false && !state.inventory?.released && has(INVENTORY_PATCH);
    if (tracksInventory && !state.inventory?.sold && !isCancelled(current.statusId)) await noteInventory('sold', current);

    if (isCancelled(current.statusId)) {
      if (tracksInventory && state.inventory?.sold) await noteInventory('released', current);
      return cancel(current);
    }
    // Our own hold: nothing moves until ops decide. A retry goes through it, syncing the order as it
    // was before we held it (the hold is ours, not the merchant's).
    const ourHold = state.hold !== null && current.statusId === STATUS.manualVerificationRequired;
    if (ourHold && !decided) return false;
    const order = ourHold ? { ...current, statusId: state.hold!.previousStatusId } : current;

    if (!(await writeErp(order, { decided, repairAsked: taken.repairAsked, fromReconciliation: taken.fromReconciliation, tracksInventory }))) return false;
    if (!state.erpIdWrittenBack && state.erp.id && !(await writeBack())) return false;
    if (!(await writeOms(order, taken.fromReconciliation))) return false;
    if (state.hold && !(await liftHold(state.hold.previousStatusId))) return false;
    if (state.pendingShipments.length && !(await copyShipments(state.order!))) return false;
    return true;
  };
}
