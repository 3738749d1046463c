import { continueAsNew, proxyActivities, setCurrentDetails, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { BigCommerceActivities } from '../../activities/orders/bigcommerce';
import type { ControlActivities } from '../../activities/monitoring/control';
import type { ErpActivities } from '../../activities/orders/erp';
import { compareTotals } from '../../domain/orders/erp-total-repair';
import { bigCommerceTaskQueue, erpSalesOrderExternalId } from '../../domain/shared/ids';
import { erpTotalMismatch } from '../../domain/orders/lifecycle';
import { PRIORITY } from '../../domain/shared/priorities';
import { type RepairErpTotalsInput, type RepairErpTotalsState, repairStateQuery } from './repair-erp-totals.contract';
import { RETRY } from '../shared/retry';

// --- contract: what everything outside this workflow uses ---

const PAGE = 250;
const CHECK_EVERY_MS = 15_000;

/**
 * The repair of ERP totals (`repair-erp-totals:<storeHash>`): the one-off that finds sales orders
 * synced short of BigCommerce's total (before gift certificates, fees and every line kind reached
 * the ERP) and has their order workflows write them again.
 *
 * Pages through the orders created in the window (250 a call, lowest id first), reads the ERP's
 * totals for each page (one SuiteQL query), and wakes each open order whose total differs: its
 * workflow reads the order, writes the sales order again and checks the total (parking as
 * `ErpTotalMismatch` if it still differs). Then it re-reads the ERP's totals until every order
 * agrees or `verifyForMs` passes, and returns the report.
 */
export async function repairErpTotals(input: RepairErpTotalsInput): Promise<RepairErpTotalsState> {
  const state: RepairErpTotalsState = input.carried ?? {
    phase: 'checking',
    afterId: 0,
    pages: 0,
    checked: 0,
    notInErp: 0,
    found: [],
    closedDifferent: [],
    corrected: [],
    stillDifferent: [],
  };
  setHandler(repairStateQuery, () => state);
  const bc = proxyActivities<BigCommerceActivities>({
    taskQueue: bigCommerceTaskQueue(input.storeHash),
    startToCloseTimeout: '2m',
    retry: RETRY.backoff,
    // Behind live orders: a repair must never delay a sale.
    priority: PRIORITY.reconcile,
    summary: `list order totals (store ${input.storeHash})`,
  });
  const erp = proxyActivities<ErpActivities>({
    taskQueue: input.erpTaskQueue,
    startToCloseTimeout: '2m',
    retry: RETRY.backoff,
    summary: `read ERP sales order totals (store ${input.storeHash})`,
  });
  const control = proxyActivities<ControlActivities>({ startToCloseTimeout: '2m', summary: 'wake orders to write their sales orders again' });
  const externalId = (orderId: number) => erpSalesOrderExternalId(input.storeHash, orderId);

  const show = () =>
    setCurrentDetails(
      [
        `**Repair of ERP totals, store \`${input.storeHash}\`**${input.dryRun ? ' (dry run)' : ''}: orders created ${new Date(input.fromS * 1000).toISOString()} .. ${new Date(input.untilS * 1000).toISOString()}`,
        `- ${state.phase} · pages ${state.pages} · checked ${state.checked} · not in the ERP ${state.notInErp}`,
        `- Short or over in the ERP: ${state.found.length} open${state.closedDifferent.length ? `, ${state.closedDifferent.length} cancelled (reported only)` : ''}`,
        ...(state.phase === 'done' && !input.dryRun ? [`- Corrected ${state.corrected.length}, still different ${state.stillDifferent.length}`] : []),
      ].join('\n'),
    );
  show();

  while (state.phase === 'checking') {
    const orders = await bc.listOrderTotals({ fromS: input.fromS, untilS: input.untilS, afterId: state.afterId });
    state.pages++;
    if (orders.length > 0) {
      const erpTotals = await erp.salesOrderTotals(orders.map((o) => externalId(o.orderId)));
      const page = compareTotals(input.storeHash, orders, erpTotals);
      state.checked += page.checked;
      state.notInErp += page.notInErp;
      state.found.push(...page.toRewrite);
      state.closedDifferent.push(...page.closedDifferent);
      if (!input.dryRun && page.toRewrite.length > 0)
        await control.rewriteErpOrders(
          input.storeHash,
          page.toRewrite.map((d) => d.orderId),
        );
      state.afterId = orders[orders.length - 1]!.orderId;
    }
    if (orders.length < PAGE) state.phase = input.dryRun || state.found.length === 0 ? 'done' : 'verifying';
    show();
    if (state.phase === 'checking' && workflowInfo().continueAsNewSuggested) return await continueAsNew<typeof repairErpTotals>({ ...input, carried: state });
  }

  if (state.phase === 'verifying') {
    const deadline = Date.now() + input.verifyForMs;
    for (;;) {
      await sleep(CHECK_EVERY_MS);
      const now = await erp.salesOrderTotals(state.found.map((d) => externalId(d.orderId)));
      state.corrected = [];
      state.stillDifferent = [];
      for (const d of state.found) {
        const erpNow = now[externalId(d.orderId)]?.total ?? d.erp;
        if (erpTotalMismatch(d.bigcommerce, erpNow)) state.stillDifferent.push({ ...d, erp: erpNow });
        else state.corrected.push(d.orderId);
      }
      show();
      if (state.stillDifferent.length === 0 || Date.now() >= deadline) break;
    }
    state.phase = 'done';
  }
  show();
  return state;
}
