import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { activityScheduleToStart } from '../lib/metrics';

/**
 * Schedule-to-start latency of every activity attempt: on a rate-limited BigCommerce queue this is
 * the backlog ops need to see (how long an order's fetch waited for quota).
 */
export const activityMetricsInterceptor: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      const info = ctx.info;
      activityScheduleToStart.observe({ task_queue: info.taskQueue, activity: info.activityType }, Math.max(0, Date.now() - info.currentAttemptScheduledTimestampMs) / 1000);
      return next(input);
    },
  },
});
