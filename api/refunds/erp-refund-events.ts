import { createErpClient } from '../../config/connections';
import { erpGovernedFetch } from '../../config/erp-governed-fetch';
import { getErpRefund } from '../../connectors/erp/netsuite/erp-refunds';
import { ERP_REFUND_TYPES, orderIdOfSalesOrder, type ErpRefundType } from '../../domain/refunds/erp-refund';
import type { RefundAuthorizedEvent } from '../../domain/shared/erp-event';
import type { ErpEventDeps, HandlerRefusals } from '../erp/event-deps';
import { ErpError } from '../../connectors/erp/netsuite/errors';
import { isTemporalRefusal, temporalRefusalReason } from '../shared/ingress';
import { startErpRefund } from '../../clients/refunds';

/**
 * Which store an ERP record belongs to. With one store, that one (no ERP call: the workflow reads
 * the record and ends as NotOurs if it is not). With several, the record's sales order says: one
 * read here. An ERP that does not answer makes the route answer 503, so the ERP sends again; a record
 * that does not exist or cannot be read as a refund rejects that event alone (no poison batch).
 */
async function storeOf(deps: ErpEventDeps, recordType: ErpRefundType, recordId: string): Promise<string | null> {
  const stores = deps.config.stores;
  if (stores.length === 1) return stores[0]!.storeHash;
  const netsuite = createErpClient(deps.config, { timeoutMs: 5_000, fetch: erpGovernedFetch(deps.config, 'api') });
  const record = await getErpRefund(netsuite, recordType, recordId);
  return stores.find((s) => orderIdOfSalesOrder(s.storeHash, record.salesOrderExternalId) !== null)?.storeHash ?? null;
}

/**
 * `refund.authorized` events -> one workflow per ERP record, `erp-refund:<store>:<type>-<id>`: the
 * same id the refund sweep starts for the record (the id NetSuite itself writes, which the event's
 * schema requires: canonical digits), so an event and the sweep can never start two workflows for
 * one record. Record types other than ours are acknowledged and ignored. An event Temporal refuses,
 * or for a record the ERP does not have, is rejected on its own; the others are taken.
 */
export async function handleRefundAuthorized(deps: ErpEventDeps, events: RefundAuthorizedEvent[]): Promise<HandlerRefusals<RefundAuthorizedEvent>> {
  const seen = new Set<string>();
  const rejected: HandlerRefusals<RefundAuthorizedEvent>['rejected'] = [];
  for (const e of events) {
    if (!(ERP_REFUND_TYPES as readonly string[]).includes(e.recordType)) {
      deps.logger.info({ recordType: e.recordType, recordId: e.recordId }, 'refund.authorized for a record type the refund sync does not handle; ignored');
      continue;
    }
    const recordType = e.recordType as ErpRefundType;
    const key = `${recordType}:${e.recordId}`;
    if (seen.has(key)) continue; // the same record twice in one batch: one start is enough
    seen.add(key);
    try {
      const storeHash = await storeOf(deps, recordType, e.recordId);
      if (!storeHash) {
        deps.logger.info({ recordType, recordId: e.recordId }, 'ERP refund of a sales order no configured store owns; ignored');
        continue;
      }
      const { workflowId, started } = await startErpRefund(deps.client, deps.config, storeHash, recordType, e.recordId);
      deps.logger.info({ workflowId, started, eventId: e.eventId }, 'ERP refund event handed to its workflow');
    } catch (err) {
      if (err instanceof ErpError && err.kind === 'not_found') rejected.push({ event: e, reason: `the ERP has no ${recordType} ${e.recordId}` });
      // A record we can never read as a refund of ours (its shape, or NetSuite refusing the id): sending the event again cannot help.
      else if (err instanceof ErpError && (err.kind === 'bad_response' || err.kind === 'validation'))
        rejected.push({ event: e, reason: `the ERP's ${recordType} ${e.recordId} cannot be read as a refund: ${err.message}`.slice(0, 300) });
      else if (isTemporalRefusal(err)) rejected.push({ event: e, reason: temporalRefusalReason(err) });
      else throw err;
    }
  }
  return { rejected };
}
