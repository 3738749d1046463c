import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/**
 * Why a step of a workflow could not finish: what ops see on a parked run. Each workflow names its
 * steps (`S`); its contract exports this under its own name (Problem, RefundProblem, ...).
 */
export interface StepProblem<S extends string> {
  type: string;
  message: string;
  step: S;
  /** A cause that may pass by itself (retries ran out on a timeout or a 5xx), as opposed to a refusal. */
  transient: boolean;
}

export type StepResult<T, S extends string> = { ok: true; value: T } | { ok: false; problem: StepProblem<S> };

/**
 * How a problem tells of a retry window that ran out. `window` (refunds): "(retried for the whole
 * window)" after the last attempt's message. `retry window` (orders, whose problems live in recorded
 * states and in the staff notes of held orders, so their wording stays): "(retried for the whole
 * retry window)" after the last application failure, and Temporal's own message when it kept none.
 */
export type ExhaustedWording = 'window' | 'retry window';

/**
 * Describes an activity failure as a problem to park on: a non-retryable ApplicationFailure is a
 * refusal; a retry window that ran out keeps the last attempt's cause and is marked transient.
 * Undefined for anything that is not an activity failure (a bug, to be thrown on).
 */
export function problemOf<S extends string>(step: S, err: unknown, wording: ExhaustedWording = 'window'): StepProblem<S> | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'ActivityFailed', message: cause.message, step, transient: !cause.nonRetryable };
  const last = cause?.cause;
  if (wording === 'retry window') {
    if (last instanceof ApplicationFailure) return { type: last.type ?? 'ActivityFailed', message: `${last.message} (retried for the whole retry window)`, step, transient: true };
    return { type: 'RetryWindowExhausted', message: cause?.message ?? err.message, step, transient: true };
  }
  const type = last instanceof ApplicationFailure ? (last.type ?? 'ActivityFailed') : 'RetryWindowExhausted';
  const message = last instanceof Error ? last.message : (cause?.message ?? err.message);
  return { type, message: `${message} (retried for the whole window)`, step, transient: true };
}

/**
 * Runs one activity call and turns its failure into a problem to park on (see `problemOf`), instead
 * of failing the workflow. Anything that is not an activity failure is a bug and is thrown on.
 */
export async function activityStep<T, S extends string>(name: S, fn: () => Promise<T>, wording: ExhaustedWording = 'window'): Promise<StepResult<T, S>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const problem = problemOf(name, err, wording);
    if (!problem) throw err;
    return { ok: false, problem };
  }
}
