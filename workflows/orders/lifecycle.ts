import { CancellationScope, condition, continueAsNew, patched, setCurrentDetails, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { isIncomplete, isTerminal } from '../../domain/orders/lifecycle';
import { mergeShipments, orderDetails, orderSearchAttributes, rememberHash, validateOrderDecision } from '../../domain/orders/order-sync-state';
import { BcErpId, BcErrorType, BcOrderId, BcStoreHash, BcSyncStatus } from '../../domain/shared/search-attributes';
import { refundNoteSignal } from '../refunds/refund-sync.contract';
import { handleDecisions } from '../shared/decisions';
import { ensureSearchAttributes, searchAttributePublisher } from '../shared/search-attributes';
import { orderPass } from './order-pass';
import { decideSignal, decideUpdate, omsShipmentsSignal, orderEventSignal, orderStateQuery, type OrderLifecycleInput, type OrderLifecycleState } from './order-sync.contract';

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
 * parking for ops instead of failing. Each pass is in order-pass.ts, its decisions in
 * domain/orders/order-sync-state.ts.
 *
 * `current`: the run started under the current code's version gate (see order-sync.ts), so every
 * change made behind a patch applies and records no marker (each is a billed action); a run
 * recorded before the gate decides each patch as it did then.
 */
export async function orderLifecycle(input: OrderLifecycleInput, opts: { current?: boolean } = {}): Promise<OrderLifecycleState> {
  const { storeHash, orderId } = input;
  const current = opts.current === true;
  const has = (patchId: string): boolean => current || patched(patchId);
  const state = input.carried ?? initialState();
  const showDetails = () => setCurrentDetails(orderDetails(state, input));

  setHandler(orderEventSignal, (event) => {
    // A duplicate is counted, not dropped: whether it costs a read is decided by its time against
    // our last read, which settles real duplicates for free and still catches a same-second change.
    const { duplicate, recent } = rememberHash(state.recentHashes, event.hash);
    if (duplicate) state.duplicatesIgnored++;
    else state.recentHashes = recent;
    state.pending.push(event);
  });
  setHandler(refundNoteSignal, (note) => {
    state.refunds = { ...(state.refunds ?? {}), [String(note.refundId)]: note };
    showDetails();
  });
  setHandler(omsShipmentsSignal, ({ shipments }) => {
    state.pendingShipments = mergeShipments(state.pendingShipments, state.shipmentsCopied, shipments);
  });
  // Answered once the decision has been acted on: the caller sees where it led.
  const decisions = handleDecisions({
    signal: decideSignal,
    update: decideUpdate,
    validate: (d) => validateOrderDecision(d, !!state.problem),
    answer: () => ({ status: state.status, problem: state.problem }),
  });
  setHandler(orderStateQuery, () => state);

  const syncPass = orderPass(input, state, { current, has });

  // Search attributes: one upsert only when something ops filter on changes (each one is billed).
  ensureSearchAttributes(BcOrderId, [
    { key: BcStoreHash, value: storeHash },
    { key: BcOrderId, value: orderId },
  ]);
  const publishAttributes = searchAttributePublisher(
    (shown: { status: string; errorType: string; erpId: string }) => [
      { key: BcSyncStatus, value: shown.status || null },
      { key: BcErrorType, value: shown.errorType || null },
      { key: BcErpId, value: shown.erpId || null },
    ],
    input.carried ? orderSearchAttributes(state) : { status: '', errorType: '', erpId: '' },
  );
  const publish = () => {
    publishAttributes(orderSearchAttributes(state));
    showDetails();
  };

  async function run(forceRead: boolean, decided = false): Promise<void> {
    if (await syncPass(forceRead, decided)) {
      // A pass that got everything through resolves whatever was parked: nobody has to close it.
      state.problem = null;
      state.status = 'Synced';
    }
    publish();
  }

  /**
   * Nothing more expected. An abandoned checkout (Incomplete) too: without this its run stayed open
   * for good, one per abandoned cart; if the shopper comes back, the next event starts a new run.
   * Behind a patch: runs already waiting on an incomplete order, without a timer, replay as before.
   */
  const isFinished = (statusId: number): boolean => isTerminal(statusId) || (isIncomplete(statusId) && has('incomplete-order-ends'));
  const somethingToDo = () => state.pending.length > 0 || state.pendingShipments.length > 0 || decisions.length > 0;
  /**
   * The quiet window of a finished order: one timer, however many late events (the echoes of our own
   * writes) wake the run inside it; each timer is a billed action. Runs before the version gate
   * started a timer per wake, and replay so.
   */
  let quiet: { elapsed: Promise<boolean>; scope: CancellationScope } | null = null;

  publish();
  for (;;) {
    const order = state.order;
    const finished = !state.problem && order !== null && isFinished(order.statusId) && state.pendingShipments.length === 0;
    if (!finished && quiet) {
      quiet.scope.cancel();
      quiet = null;
    }
    if (state.problem?.transient) {
      // Parked on an outage: try again by itself after a while, or sooner on an event or a decision.
      if (!(await condition(somethingToDo, input.parkRetryMs))) {
        await run(true);
        continue;
      }
    } else if (finished && current) {
      quiet ??= quietWindow(input.quietPeriodMs);
      const woke = await Promise.race([quiet.elapsed.then(() => false), condition(somethingToDo).then(() => true)]);
      // An event that came with the timer's end is still taken in.
      if (!woke && !somethingToDo()) break;
    } else if (finished) {
      if (!(await condition(somethingToDo, input.quietPeriodMs))) break;
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
      // Retry, with the SKU corrections it brings.
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

/** A timer in its own scope; cancelled (the order is not finished after all), it never elapses. */
function quietWindow(ms: number): { elapsed: Promise<boolean>; scope: CancellationScope } {
  const scope = new CancellationScope();
  const elapsed = scope
    .run(() => sleep(ms))
    .then(
      () => true,
      () => new Promise<boolean>(() => undefined),
    );
  return { elapsed, scope };
}
