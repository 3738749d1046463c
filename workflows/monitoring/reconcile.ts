import { condition, continueAsNew, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import { bigCommerceTaskQueue } from '../../domain/shared/ids';
import { PRIORITY } from '../../domain/shared/priorities';
import { type ReconcileInput, type ReconcileRequest, type ReconcileState, reconcileRequestSignal, reconcileStateQuery } from './reconcile.contract';
import { RETRY } from '../shared/retry';

const RUNS_PER_HISTORY = 50;

/**
 * The safety net for lost webhooks, one per store (`reconcile:<storeHash>`), holding its watermark
 * durably in its own state. Woken by the schedule, by a webhook repair and by ops (`bcsync
 * reconcile --since`), it lists the orders changed since the watermark (minus an overlap), oldest
 * change first, a page of up to 250 orders (lines included) per call, and hands each order, as
 * read, to its workflow. Unchanged orders then do nothing; missed ones sync without another read.
 */
export async function reconcile(input: ReconcileInput): Promise<ReconcileState> {
  const state: ReconcileState = input.carried ?? { watermarkS: null, runs: 0, lastRun: null };
  const requests: ReconcileRequest[] = [];
  setHandler(reconcileRequestSignal, (r) => void requests.push(r));
  setHandler(reconcileStateQuery, () => state);

  const bc = proxyActivities<BigCommerceActivities>({
    taskQueue: bigCommerceTaskQueue(input.storeHash),
    startToCloseTimeout: '2m',
    retry: RETRY.backoff,
    // Behind orders, ahead of catalog batches: finding a lost order matters more than a price.
    priority: PRIORITY.reconcile,
    summary: `list orders changed since the watermark (store ${input.storeHash})`,
  });

  const show = () =>
    setCurrentDetails(
      [
        `**Reconciliation of store \`${input.storeHash}\`**`,
        `- Watermark: ${state.watermarkS ? new Date(state.watermarkS * 1000).toISOString() : 'none yet'} · runs ${state.runs}`,
        state.lastRun
          ? `- Last run (${state.lastRun.reason}) at ${state.lastRun.at}: ${state.lastRun.listed} orders changed ${new Date(state.lastRun.fromS * 1000).toISOString()} .. ${new Date(state.lastRun.untilS * 1000).toISOString()}, ${state.lastRun.pages} page(s)`
          : '- No run yet',
      ].join('\n'),
    );
  show();

  for (;;) {
    await condition(() => requests.length > 0);
    const batch = requests.splice(0);
    const nowS = Math.floor(Date.now() / 1000);
    const fromWatermark = state.watermarkS === null ? nowS - Math.floor(input.initialLookbackMs / 1000) : state.watermarkS - Math.floor(input.overlapMs / 1000);
    const fromS = Math.min(fromWatermark, ...batch.map((r) => r.sinceS ?? Number.POSITIVE_INFINITY));
    // Fixed at the start: changes made while listing are the next run's (the watermark stops here).
    const untilS = nowS;
    let cursorS = fromS;
    let page = 1;
    let pages = 0;
    let listed = 0;
    let maxSeenS = state.watermarkS ?? fromS;
    for (;;) {
      const r = await bc.reconcilePage({ fromS: cursorS, untilS, page });
      pages++;
      listed += r.listed;
      if (r.listed === 0) break;
      maxSeenS = Math.max(maxSeenS, r.lastModifiedS);
      if (!r.full) break;
      // Keyset paging on date_modified (an order changed while we list moves, a page number would
      // skip one); only a page whose orders all share one second needs the next page number.
      if (r.lastModifiedS > cursorS) {
        cursorS = r.lastModifiedS;
        page = 1;
      } else page++;
    }
    state.watermarkS = Math.max(maxSeenS, untilS - 1);
    state.runs++;
    state.lastRun = { reason: batch.map((b) => b.reason).join(', '), fromS, untilS, listed, pages, at: new Date().toISOString() };
    show();
    if ((state.runs % RUNS_PER_HISTORY === 0 || workflowInfo().continueAsNewSuggested) && requests.length === 0) {
      return await continueAsNew<typeof reconcile>({ ...input, carried: state });
    }
  }
}
