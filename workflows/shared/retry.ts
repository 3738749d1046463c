import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';

/** The retry policies our workflows give their activities, by what the call is. */
export const RETRY = {
  /** Transient failures (a timeout, a 5xx, a 429) tried again from 1 s, doubling up to a minute apart. */
  backoff: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  /** A note that must never hold its workflow up: a few quick attempts, then it goes on without. */
  fewAttempts: { maximumAttempts: 5 },
} as const satisfies Record<string, RetryPolicy>;

/**
 * Retries transient failures for `windowMs`, then the step fails and its workflow parks (a person or
 * the park timer takes over).
 */
export const retryWithin = (windowMs: number): Pick<ActivityOptions, 'scheduleToCloseTimeout' | 'retry'> => ({
  scheduleToCloseTimeout: windowMs,
  retry: RETRY.backoff,
});
