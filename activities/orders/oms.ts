import { Context } from '@temporalio/activity';
import { cancelOmsOrder } from '../../connectors/oms/shipstation/cancel-order';
import type { ShipStationClient } from '../../connectors/oms/shipstation/client';
import { OmsError } from '../../connectors/oms/shipstation/errors';
import { FINGERPRINT_PREFIX, upsertOmsOrder } from '../../connectors/oms/shipstation/upsert-order';
import { findOrderByKey } from '../../connectors/oms/shipstation/find-order';
import { fingerprint } from '../../domain/shared/fingerprint';
import type { OmsOrder } from '../../domain/orders/oms-order';
import { omsFailure } from '../shared/failures';

/**
 * Activities that write to the OMS (ShipStation V1 shape). They run on the OMS queue, whose
 * dispatch rate is the OMS's own limit (40 calls a minute per key), with the client's pacer on top.
 */
export function createOmsActivities(deps: { client: ShipStationClient }) {
  const guard = async <T>(fn: (opts: { signal: AbortSignal; priority?: number }) => Promise<T>): Promise<T> => {
    const { cancellationSignal, info } = Context.current();
    try {
      return await fn({ signal: cancellationSignal, priority: info.priority?.priorityKey });
    } catch (err) {
      // createorder with an orderKey is an upsert: safe to repeat after a timeout.
      throw omsFailure(err, { idempotent: true, attempt: info.attempt });
    }
  };
  return {
    /**
     * A shipped or cancelled order is locked in the OMS: that is its state, not a failure, and the
     * workflow decides what it means (shipped: nothing left to send; cancelled: ask a person).
     */
    async upsertOmsOrder(order: OmsOrder, opts: { lookFirst?: boolean } = {}): Promise<{ orderId: number; orderStatus: string }> {
      const print = fingerprint(order);
      return guard(async () => {
        // A retry (the worker died, an answer was lost), or a write after one whose outcome the
        // workflow never learnt (`lookFirst`), first looks: finding our own content there, it
        // does not write a second time.
        if (opts.lookFirst || Context.current().info.attempt > 1) {
          const there = await findOrderByKey(deps.client, order.orderNumber, order.orderKey);
          if (there && there.advancedOptions?.customField3 === `${FINGERPRINT_PREFIX}${print}`) return { orderId: there.orderId, orderStatus: there.orderStatus };
        }
        try {
          const r = await upsertOmsOrder(deps.client, order, print);
          return { orderId: r.orderId, orderStatus: r.orderStatus };
        } catch (err) {
          if (err instanceof OmsError && err.kind === 'locked' && err.details.orderStatus) return { orderId: err.details.orderId ?? 0, orderStatus: err.details.orderStatus };
          throw err;
        }
      });
    },

    /**
     * Cancelled already counts as done; a shipped order is refused (goods left: a person decides).
     * `onlyIfPresent`: the workflow does not know whether the OMS has the order (an earlier run may
     * have sent it): look first, and create nothing when it is not there.
     */
    async cancelOmsOrder(order: OmsOrder, opts: { onlyIfPresent?: boolean } = {}): Promise<{ orderId: number; orderStatus: string }> {
      return guard(async () => {
        if (opts.onlyIfPresent) {
          const there = await findOrderByKey(deps.client, order.orderNumber, order.orderKey);
          if (!there) return { orderId: 0, orderStatus: 'absent' };
          if (there.orderStatus === 'cancelled') return { orderId: there.orderId, orderStatus: 'cancelled' };
        }
        const r = await cancelOmsOrder(deps.client, order);
        return { orderId: r.orderId, orderStatus: r.orderStatus };
      });
    },
  };
}

export type OmsActivities = ReturnType<typeof createOmsActivities>;
