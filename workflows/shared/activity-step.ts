import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** Why a step of a workflow could not finish: what ops see on a parked run. */
export interface StepProblem<S extends string> {
  type: string;
  message: string;
  step: S;
  /** A cause that may pass by itself (retries ran out on a timeout or a 5xx), as opposed to a refusal. */
  transient: boolean;
}

export type StepResult<T, S extends string> = { ok: true; value: T } | { ok: false; problem: StepProblem<S> };

/**
 * Runs one activity call and turns its failure into a problem to park on, instead of failing the
 * workflow: a non-retryable ApplicationFailure is a refusal; a retry window that ran out keeps the
 * last attempt's cause and is marked transient. Anything that is not an activity failure is a bug
 * and is thrown on.
 */
export async function activityStep<T, S extends string>(name: S, fn: () => Promise<T>): Promise<StepResult<T, S>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause;
    if (cause instanceof ApplicationFailure)
      return { ok: false, problem: { type: cause.type ?? 'ActivityFailed', message: cause.message, step: name, transient: !cause.nonRetryable } };
    const last = cause?.cause;
    const type = last instanceof ApplicationFailure ? (last.type ?? 'ActivityFailed') : 'RetryWindowExhausted';
    const message = last instanceof Error ? last.message : (cause?.message ?? err.message);
    return { ok: false, problem: { type, message: `${message} (retried for the whole window)`, step: name, transient: true } };
  }
}
