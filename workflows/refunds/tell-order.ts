import { getExternalWorkflowHandle } from '@temporalio/workflow';
import { orderWorkflowId } from '../orders/order-sync.contract';
import { type RefundNote, refundNoteSignal } from './refund-sync.contract';

/**
 * Tells the order's workflow about a refund (it keeps one picture per order: refunds made in
 * BigCommerce and in the ERP side by side). Workflow code: one signal to an external workflow.
 */
export async function tellOrder(storeHash: string, orderId: number, note: RefundNote): Promise<void> {
  try {
    await getExternalWorkflowHandle(orderWorkflowId(storeHash, orderId)).signal(refundNoteSignal, note);
  } catch {
    // The order's run has ended (terminal and quiet): its next run reads the order (Refunded / Partially Refunded) afresh.
  }
}
