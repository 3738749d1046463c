import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import type { ErpActivities } from '../../activities/orders/erp';
import type { OmsActivities } from '../../activities/orders/oms';
import type { InventoryControlActivities, InventoryErpActivities } from '../../activities/inventory/inventory';
import { orderLines, orderUnits } from '../../domain/inventory/levels';
import { fingerprint } from '../../domain/shared/fingerprint';
import { bigCommerceTaskQueue, erpSalesOrderExternalId } from '../../domain/shared/ids';
import { inventoryWorkflowId, inventoryBookedSignal, inventorySaleSignal, type InventorySale } from '../inventory/inventory-sync.contract';
import { refundWorkflowId, refundNoteSignal } from '../refunds/refund-sync.contract';
import { mapOrderToOmsOrder } from '../../domain/orders/map-order-to-oms-order';
import { mapOrderToSalesOrder } from '../../domain/orders/map-order-to-sales-order';
import { fromUnits, toUnits } from '../../domain/shared/money';
import type { BcOrder } from '../../domain/orders/order';
import { refundSync } from '../refunds/refund-sync';
import {
  erpContent,
  erpTotalMismatch,
  hasRefunds,
  isCancelled,
  isIncomplete,
  isTerminal,
  STATUS,
  totalMismatchMessage,
  wantsFulfilment,
  type TotalMismatch,
} from '../../domain/orders/lifecycle';
import { PRIORITY } from '../../domain/shared/priorities';
import { BcErpId, BcErrorType, BcOrderId, BcStoreHash, BcSyncStatus } from '../../domain/shared/search-attributes';
import {
  type OrderLifecycleInput,
  type Problem,
  type Decision,
  type OrderLifecycleState,
  orderEventSignal,
  omsShipmentsSignal,
  decideSignal,
  decideUpdate,
  orderStateQuery,
} from './order-sync.contract';

const HASHES_KEPT = 200;
const UNDO_UNCONFIRMED_PATCH = 'cancel-undoes-unconfirmed-writes';
const DISCOVER_REFUNDS_PATCH = 'discover-missed-refunds';
/** Tells inventorySync the units this order took in BigCommerce until the ERP books them (oversell protection). */
const INVENTORY_PATCH = 'inventory-pending-units';
/** Inventory notes go as a signal from this workflow, not through an activity (half the billed actions). */
const NOTES_BY_SIGNAL_PATCH = 'inventory-notes-by-signal';
/** Compares the ERP's total with BigCommerce's after every sales-order write; a difference parks the order. */
const ERP_TOTAL_PATCH = 'erp-total-check';
const MAX_HISTORY_EVENTS = 2_000;

function initialState(): OrderLifecycleState {
  return {
    status: 'Waiting',
    order: null,
    lastReadAtS: 0,
    erp: { id: null, fingerprint: null, closed: false },
    oms: { fingerprint: null, status: null, order: null },
    erpIdWrittenBack: false,
    shipmentsCopied: {},
    pendingShipments: [],
    hold: null,
    problem: null,
    skuMap: {},
    passes: 0,
    duplicatesIgnored: 0,
    fetchesSaved: 0,
    lastEvent: null,
    lastDecision: null,
    recentHashes: [],
    pending: [],
  };
}

/**
 * One BigCommerce order, its whole life (`order:<storeHash>:<orderId>`): into the ERP and the OMS
 * exactly once, following payment, cancellation and shipment, compensating a half-done sync, and
 * parking for ops instead of failing.
 *
 * Each pass: read the order (unless every new event is older than our last read), then act on the
 * difference from what was last synced: ERP upsert, ERP id written back, OMS upsert once paid,
 * close and cancel once cancelled, shipments copied back from the OMS. Every step is idempotent.
 */
export async function orderLifecycle(input: OrderLifecycleInput, opts: { current?: boolean } = {}): Promise<OrderLifecycleState> {
  const { storeHash, orderId } = input;
  /**
   * Whether a change made behind a patch applies to this run. A run started under the current
   * code's version gate (`current`, see order-sync.ts) has every one of them and records no patch
   * marker or version attribute for them (each is a billed action); a run recorded before the
   * gate decides each patch as it did then.
   */
  const has = (patchId: string): boolean => opts.current === true || patched(patchId);
  const state = input.carried ?? initialState();
  const seen = new Set(state.recentHashes);
  const decisions: Decision[] = [];
  const externalId = erpSalesOrderExternalId(storeHash, orderId);

  setHandler(orderEventSignal, (event) => {
    // A repeated hash is counted, but not simply dropped: two different changes in the same second
    // can share a hash (it covers scope, ids and the second). Whether an event costs a read is
    // decided by its time against our last read, which settles real duplicates (they come later)
    // for free and still catches a same-second change.
    if (seen.has(event.hash)) state.duplicatesIgnored++;
    else {
      seen.add(event.hash);
      state.recentHashes.push(event.hash);
      if (state.recentHashes.length > HASHES_KEPT) seen.delete(state.recentHashes.shift()!);
    }
    state.pending.push(event);
  });
  setHandler(refundNoteSignal, (note) => {
    state.refunds = { ...(state.refunds ?? {}), [String(note.refundId)]: note };
    showDetails();
  });
  setHandler(omsShipmentsSignal, ({ shipments }) => {
    for (const s of shipments) {
      if (s.voided || state.shipmentsCopied[String(s.shipmentId)] !== undefined) continue;
      const i = state.pendingShipments.findIndex((p) => p.shipmentId === s.shipmentId);
      if (i >= 0) state.pendingShipments[i] = s;
      else state.pendingShipments.push(s);
    }
  });
  const decide = (d: Decision) => {
    decisions.push(d);
  };
  setHandler(decideSignal, decide);
  setHandler(
    decideUpdate,
    async (d) => {
      decide(d);
      // Answer once the decision has been acted on: the caller sees where it led.
      await condition(() => !decisions.includes(d));
      return { status: state.status, problem: state.problem };
    },
    {
      validator: (d) => {
        if (!['retry', 'skip', 'resolve'].includes(d.action)) throw new Error(`unknown decision ${String(d.action)}: retry, skip or resolve`);
        if (d.action === 'resolve' && !state.problem) throw new Error('nothing to resolve: the order is not parked');
      },
    },
  );
  setHandler(orderStateQuery, () => state);

  const retry = (ms: number): Pick<ActivityOptions, 'scheduleToCloseTimeout' | 'retry'> => ({
    // Retry transient failures for the window, then park (a person or the park timer takes over).
    scheduleToCloseTimeout: ms,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  });
  const bcOptions: ActivityOptions = { taskQueue: bigCommerceTaskQueue(storeHash), startToCloseTimeout: '2m', priority: PRIORITY.orders, ...retry(input.retryWindowMs) };
  const bc = {
    fetch: proxyActivities<BigCommerceActivities>({ ...bcOptions, summary: `fetch BigCommerce order ${orderId}` }),
    writeBack: proxyActivities<BigCommerceActivities>({ ...bcOptions, summary: `write ERP id back to order ${orderId}` }),
    shipments: proxyActivities<BigCommerceActivities>({ ...bcOptions, summary: `copy OMS shipments to order ${orderId}` }),
    status: proxyActivities<BigCommerceActivities>({ ...bcOptions, summary: `set the status of order ${orderId}` }),
    refunds: proxyActivities<BigCommerceActivities>({ ...bcOptions, priority: PRIORITY.reconcile, summary: `list the refunds of order ${orderId}` }),
  };
  const erpOptions: ActivityOptions = { taskQueue: input.erpTaskQueue, startToCloseTimeout: '60s', ...retry(input.retryWindowMs) };
  const erp = {
    upsert: proxyActivities<ErpActivities>({ ...erpOptions, summary: `upsert ERP sales order ${externalId}` }),
    close: proxyActivities<ErpActivities>({ ...erpOptions, summary: `close ERP sales order ${externalId}` }),
  };
  // Inventory notes never hold the order up: a few quick attempts, then the order goes on (a sale
  // inventorySync never hears of is corrected by the ERP's own level once the order is booked).
  const inventory = {
    note: proxyActivities<InventoryControlActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 5 }, summary: `tell inventory about order ${orderId}` }),
    booked: proxyActivities<InventoryErpActivities>({
      taskQueue: input.erpTaskQueue,
      startToCloseTimeout: '30s',
      retry: { maximumAttempts: 5 },
      summary: `read when ERP sales order ${externalId} was booked`,
    }),
  };
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
  const omsOptions: ActivityOptions = { taskQueue: input.omsTaskQueue, startToCloseTimeout: '2m', ...retry(input.retryWindowMs) };
  const oms = {
    upsert: proxyActivities<OmsActivities>({ ...omsOptions, summary: `upsert OMS order ${externalId}` }),
    cancel: proxyActivities<OmsActivities>({ ...omsOptions, summary: `cancel OMS order ${externalId}` }),
  };

  // Search attributes: one upsert only when something ops filter on changes (each one is billed).
  let shown = { status: '', errorType: '', erpId: '' };
  function publish(): void {
    const next = { status: state.status === 'Waiting' ? '' : state.status, errorType: state.problem?.type ?? '', erpId: state.erp.id ?? '' };
    if (next.status !== shown.status || next.errorType !== shown.errorType || next.erpId !== shown.erpId) {
      upsertSearchAttributes([
        { key: BcSyncStatus, value: next.status || null },
        { key: BcErrorType, value: next.errorType || null },
        { key: BcErpId, value: next.erpId || null },
      ]);
      shown = next;
    }
    showDetails();
  }

  if (!workflowInfo().typedSearchAttributes.get(BcOrderId)) {
    upsertSearchAttributes([
      { key: BcStoreHash, value: storeHash },
      { key: BcOrderId, value: orderId },
    ]);
  }
  if (input.carried) shown = { status: state.status === 'Waiting' ? '' : state.status, errorType: state.problem?.type ?? '', erpId: state.erp.id ?? '' };

  /** Runs one step; a failure that retrying cannot fix (or retries exhausted) becomes a Problem. */
  async function step<T>(name: Problem['step'], fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; problem: Problem }> {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      const problem = asProblem(name, err);
      if (!problem) throw err;
      return { ok: false, problem };
    }
  }

  async function read(): Promise<boolean> {
    const r = await step('fetch', () => bc.fetch.fetchOrderSnapshot(orderId));
    if (!r.ok) return park(r.problem);
    state.order = r.value.order;
    state.lastReadAtS = Math.max(state.lastReadAtS, r.value.readAtS);
    return true;
  }

  function park(problem: Problem): false {
    state.problem = problem;
    state.status = 'NeedsAttention';
    return false;
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
        const note = `bcsync: not sent to fulfilment: ${problem.type}: ${problem.message}`.slice(0, 1000);
        const held = await step('compensation', () => bc.status.setOrderStatus(orderId, STATUS.manualVerificationRequired, note));
        if (held.ok) {
          state.hold = { previousStatusId: order.statusId };
          state.order = held.value.order;
          state.lastReadAtS = Math.max(state.lastReadAtS, held.value.readAtS);
        }
      }
    });
    return park(problem);
  }

  /**
   * One pass over the order; true when everything the order needs is in place. `decided`: a person
   * asked for it (retry), which also goes through our own hold.
   */
  async function syncPass(forceRead: boolean, decided = false): Promise<boolean> {
    state.passes++;
    const events = state.pending.splice(0);
    if (events.length) state.lastEvent = { ...events[events.length - 1]!, snapshot: undefined };
    // A fresher read than ours, made by reconciliation's listing: take it as our read.
    for (const e of events) {
      if (e.snapshot && e.snapshot.readAtS >= state.lastReadAtS) {
        state.order = e.snapshot.order;
        state.lastReadAtS = e.snapshot.readAtS;
      }
    }
    const fromReconciliation = events.some((e) => e.snapshot !== undefined);
    // Events from seconds before our last read are already in what we read: no call needed.
    const needRead = forceRead || !state.order || events.some((e) => e.createdAt >= state.lastReadAtS);
    if (needRead) {
      if (!(await read())) return false;
    } else if (events.length) {
      state.fetchesSaved++;
    }
    const current = state.order!;
    // Reconciliation handed us this order: it changed while we may have missed events. A refund
    // whose webhook never came shows only here; find it and start its workflow.
    if (events.some((e) => e.snapshot) && hasRefunds(current) && has(DISCOVER_REFUNDS_PATCH)) await startMissedRefunds();
    if (isIncomplete(current.statusId)) return true;
    const tracksInventory = input.inventoryNotes !== false && !state.inventory?.released && has(INVENTORY_PATCH);
    if (tracksInventory && !state.inventory?.sold && !isCancelled(current.statusId)) await noteInventory('sold', current);

    if (isCancelled(current.statusId)) {
      if (tracksInventory && state.inventory?.sold) await noteInventory('released', current);
      // A write whose answer we never got may still have landed: undo it too (closing and
      // cancelling are idempotent and harmless on an order that is not there). Behind a patch:
      // runs that already went past such a cancellation without undoing replay as they ran.
      // A run that has written nothing (a new run, started by the cancellation's webhook or by
      // reconciliation after an earlier run ended) cannot know what earlier runs wrote: it closes
      // the ERP order and cancels the OMS order if they are there (both look first).
      const wroteNothing = opts.current === true && state.erp.id === null && !state.erp.unconfirmed;
      const erpMayHaveIt = state.erp.id !== null || (state.erp.unconfirmed === true && has(UNDO_UNCONFIRMED_PATCH)) || wroteNothing;
      const omsUnknown = opts.current === true && !state.oms.order && !state.oms.unconfirmed;
      const omsKnown = state.oms.order ?? (state.oms.unconfirmed && has(UNDO_UNCONFIRMED_PATCH) ? state.oms.unconfirmed : null);
      const omsTarget = omsKnown ?? (omsUnknown ? mapOrderToOmsOrder(storeHash, current, { skuMap: state.skuMap }) : null);
      if (erpMayHaveIt && !state.erp.closed) {
        const r = await step('cancel', () => erp.close.closeSalesOrder(externalId));
        if (!r.ok) return park(r.problem);
        state.erp.closed = true;
        // A write whose answer never came did land: the ERP's answer names the order, and its id
        // belongs on the BigCommerce order like any other (under the version gate; older results
        // carry no id, so recorded runs replay as they ran).
        if (opts.current && state.erp.id === null && r.value.internalId) {
          state.erp.id = r.value.internalId;
          state.erp.unconfirmed = false;
        }
      }
      // The ERP has the (closed) sales order: its id still belongs on the order, even when the
      // cancellation came before the write-back did.
      if (opts.current && state.erp.id && !state.erpIdWrittenBack) {
        const r = await step('writeBack', () => bc.writeBack.writeBackErpId(orderId, state.erp.id!));
        if (!r.ok) return park(r.problem);
        state.erpIdWrittenBack = true;
      }
      if (omsTarget && omsTarget.items.length > 0 && state.oms.status !== 'cancelled') {
        const r = await step('cancel', () => oms.cancel.cancelOmsOrder(omsTarget, { onlyIfPresent: omsKnown === null }));
        if (!r.ok) return park(r.problem);
        state.oms.status = 'cancelled';
      }
      return true;
    }
    // Our own hold: nothing moves until ops decide. A retry goes through it, syncing the order as it
    // was before we held it (the hold is ours, not the merchant's).
    const ourHold = state.hold !== null && current.statusId === STATUS.manualVerificationRequired;
    if (ourHold && !decided) return false;
    const order = ourHold ? { ...current, statusId: state.hold!.previousStatusId } : current;

    const salesOrder = mapOrderToSalesOrder(storeHash, order);
    const erpPrint = fingerprint(erpContent(salesOrder));
    // Written again when its content changed, when it was closed, when ops retry a total mismatch,
    // or when the repair of ERP totals asks.
    const rewrite = (decided && state.erp.totalMismatch !== undefined) || events.some((e) => e.repair === 'erp-total');
    if (erpPrint !== state.erp.fingerprint || state.erp.closed || rewrite) {
      // An earlier write whose answer never came may have landed, and a run that reconciliation
      // started knows nothing of what earlier runs wrote: the activity looks before it writes.
      const lookFirst = state.erp.unconfirmed === true || (state.erp.fingerprint === null && fromReconciliation);
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
      if (tracksInventory && state.inventory?.sold && !state.inventory.booked) await noteInventory('booked', order, r.value.bookedAtMs);
    } else if (state.erp.totalMismatch) {
      // Parked on a total mismatch and nothing new to write: it stays parked until ops decide.
      return park(totalMismatchProblem(state.erp.totalMismatch));
    }
    if (!state.erpIdWrittenBack && state.erp.id) {
      const r = await step('writeBack', () => bc.writeBack.writeBackErpId(orderId, state.erp.id!));
      if (!r.ok) return park(r.problem);
      state.erpIdWrittenBack = true;
    }

    if (wantsFulfilment(order.statusId) || state.oms.order) {
      const omsOrder = mapOrderToOmsOrder(storeHash, order, { skuMap: state.skuMap });
      const omsPrint = fingerprint(omsOrder);
      const locked = state.oms.status === 'shipped' || state.oms.status === 'cancelled';
      if (omsPrint !== state.oms.fingerprint && !locked && omsOrder.items.length > 0) {
        const lookFirst = state.oms.unconfirmed != null || (state.oms.fingerprint === null && fromReconciliation);
        state.oms.unconfirmed = omsOrder;
        const r = await step('oms', () => oms.upsert.upsertOmsOrder(omsOrder, { lookFirst }));
        if (!r.ok) {
          if (r.problem.transient) return park(r.problem);
          state.oms.unconfirmed = null;
          return compensate(r.problem);
        }
        if (r.value.orderStatus === 'cancelled' && omsOrder.status !== 'cancelled') {
          // Cancelled in the OMS but not in BigCommerce: goods will not ship. A person decides.
          return park({ type: 'OmsLocked', message: `the OMS order is cancelled while BigCommerce's is ${order.status}`, step: 'oms', transient: false });
        }
        state.oms = { fingerprint: omsPrint, status: r.value.orderStatus, order: omsOrder, unconfirmed: null };
      }
    }

    if (state.hold) {
      // A retry got everything through: give the order back its status.
      const r = await step('compensation', () => bc.status.setOrderStatus(orderId, state.hold!.previousStatusId, `bcsync: synced after ops decision`));
      if (!r.ok) return park(r.problem);
      state.hold = null;
      state.order = r.value.order;
      state.lastReadAtS = Math.max(state.lastReadAtS, r.value.readAtS);
    }

    if (state.pendingShipments.length) {
      const shipments = state.pendingShipments.slice();
      const r = await step('shipments', () => bc.shipments.copyShipments(orderId, state.order!, shipments));
      if (!r.ok) return park(r.problem);
      for (const [omsId, bcId] of Object.entries(r.value.copied)) state.shipmentsCopied[omsId] = bcId;
      state.pendingShipments = state.pendingShipments.filter((s) => state.shipmentsCopied[String(s.shipmentId)] === undefined);
      state.order = r.value.order;
      state.lastReadAtS = Math.max(state.lastReadAtS, r.value.readAtS);
    }
    return true;
  }

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

  async function run(forceRead: boolean, decided = false): Promise<void> {
    if (await syncPass(forceRead, decided)) {
      // A pass that got everything through resolves whatever was parked: nobody has to close it.
      state.problem = null;
      state.status = 'Synced';
    }
    publish();
  }

  function showDetails(): void {
    const o = state.order;
    const lines = [
      `**BigCommerce order ${orderId}** (store \`${storeHash}\`)${o ? ` · ${o.billingAddress.firstName} ${o.billingAddress.lastName} · ${o.currency} ${fromUnits(toUnits(o.totalIncTax)).slice(0, -2)} · ${o.status}` : ''}`,
      `- Sync: **${state.status}**${state.erp.id ? ` · ERP sales order ${state.erp.id}${state.erp.closed ? ' (closed)' : ''}` : ''}${state.oms.status ? ` · OMS ${state.oms.status}` : ''}`,
      `- Passes ${state.passes} · duplicates ignored ${state.duplicatesIgnored} · reads saved ${state.fetchesSaved} · shipments copied ${Object.keys(state.shipmentsCopied).length}`,
    ];
    for (const r of Object.values(state.refunds ?? {}))
      lines.push(`- Refund ${r.refundId}: ${r.amount.slice(0, -2)} · ${r.status}${r.creditMemoId ? ` · ERP credit memo ${r.creditMemoId}` : ''}`);
    if (state.lastEvent) lines.push(`- Last event: \`${state.lastEvent.scope}\` at ${new Date(state.lastEvent.createdAt * 1000).toISOString()}`);
    if (state.hold) lines.push(`- On hold in BigCommerce (Manual Verification Required); was status ${state.hold.previousStatusId}`);
    if (state.problem) {
      lines.push(
        `- **Needs attention** (${state.problem.step}): \`${state.problem.type}\`: ${state.problem.message}`,
        state.problem.transient
          ? `- Tries again by itself in ${Math.round(input.parkRetryMs / 1000)} s; or decide now: signal \`decide\` with \`{"action":"retry"}\`, \`{"action":"skip"}\` or \`{"action":"resolve"}\``
          : `- Decide: signal \`decide\` with \`{"action":"retry"}\` (with corrections: \`{"action":"retry","skuMap":{"OLD-SKU":"NEW-SKU"}}\`), \`{"action":"skip"}\` or \`{"action":"resolve"}\``,
      );
    }
    if (state.lastDecision)
      lines.push(`- Last decision: ${state.lastDecision.action} at ${state.lastDecision.at}${state.lastDecision.note ? ` (${state.lastDecision.note})` : ''}`);
    setCurrentDetails(lines.join('\n'));
  }

  /**
   * Nothing more expected. An abandoned checkout (Incomplete) too: without this its run stayed open
   * for good, one per abandoned cart; if the shopper comes back, the next event starts a new run.
   * Behind a patch: runs already waiting on an incomplete order, without a timer, replay as before.
   */
  const isFinished = (statusId: number): boolean => isTerminal(statusId) || (isIncomplete(statusId) && has('incomplete-order-ends'));

  publish();
  /**
   * The quiet window of a finished order: one timer, however many late events (the echoes of our own
   * writes) wake the run inside it; each timer is a billed action. Runs before the version gate
   * started a timer per wake, and replay so.
   */
  let quiet: { elapsed: Promise<boolean>; scope: CancellationScope } | null = null;
  const quietWindow = (ms: number) => {
    const scope = new CancellationScope();
    // Cancelled (the order is not finished after all): never elapses.
    const elapsed = scope
      .run(() => sleep(ms))
      .then(
        () => true,
        () => new Promise<boolean>(() => undefined),
      );
    return { elapsed, scope };
  };
  for (;;) {
    const somethingToDo = () => state.pending.length > 0 || state.pendingShipments.length > 0 || decisions.length > 0;
    const order = state.order;
    const finished = !state.problem && order !== null && isFinished(order.statusId) && state.pendingShipments.length === 0;
    if (!finished && quiet) {
      quiet.scope.cancel();
      quiet = null;
    }
    if (state.problem?.transient) {
      // Parked on an outage: try again by itself after a while, or sooner on an event or a decision.
      const woke = await condition(somethingToDo, input.parkRetryMs);
      if (!woke) {
        await run(true);
        continue;
      }
    } else if (finished && opts.current) {
      quiet ??= quietWindow(input.quietPeriodMs);
      const woke = await Promise.race([quiet.elapsed.then(() => false), condition(somethingToDo).then(() => true)]);
      // An event that came with the timer's end is still taken in.
      if (!woke && !somethingToDo()) break;
    } else if (finished) {
      const woke = await condition(somethingToDo, input.quietPeriodMs);
      if (!woke) break;
    } else {
      // Not finished (or waiting for a person): no timer, just wait for the next thing to happen.
      await condition(somethingToDo);
    }

    const d = decisions[0];
    if (d) {
      state.lastDecision = { ...d, at: new Date().toISOString() };
      if (d.action === 'skip') {
        state.status = 'Skipped';
        state.problem = null;
        decisions.shift();
        publish();
        break;
      }
      if (d.action === 'resolve') {
        state.status = 'Resolved';
        state.problem = null;
        // Resolving a total mismatch accepts the ERP's figure, and the sync goes on at once (the
        // ERP id written back, the OMS): the order was held only for the figure.
        const accepted = state.erp.totalMismatch !== undefined;
        delete state.erp.totalMismatch;
        if (accepted) await run(false);
        decisions.shift();
        publish();
        continue;
      }
      state.skuMap = { ...state.skuMap, ...(d.skuMap ?? {}) };
      state.problem = null;
      await run(true, true);
      decisions.shift();
      continue;
    }
    await run(false);

    const info = workflowInfo();
    if ((info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS) && decisions.length === 0) {
      return await continueAsNew<typeof orderLifecycle>({ ...input, carried: state });
    }
  }
  return state;
}

const totalMismatchProblem = (m: TotalMismatch): Problem => ({ type: 'ErpTotalMismatch', message: totalMismatchMessage(m), step: 'erp', transient: false });

/** A failure retrying cannot fix, or retries exhausted, described for ops; undefined for anything else. */
function asProblem(step: Problem['step'], err: unknown): Problem | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    return { type: cause.type ?? 'ActivityFailed', message: cause.message, step, transient: !cause.nonRetryable };
  }
  // The retry window closed on a failure that kept happening: an outage, not bad data. Name the
  // last failure when Temporal kept it.
  const last = cause?.cause;
  if (last instanceof ApplicationFailure) return { type: last.type ?? 'ActivityFailed', message: `${last.message} (retried for the whole retry window)`, step, transient: true };
  return { type: 'RetryWindowExhausted', message: cause?.message ?? err.message, step, transient: true };
}
