import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { condition, setHandler } from '@temporalio/workflow';

/** What ops decide on a parked run: try again now, or give it up. */
export interface RetrySkipDecision {
  action: 'retry' | 'skip';
  note?: string;
  /** Who decided: the ops token's name (the ops API), absent from the Web UI and the CLI. */
  by?: string;
}

/**
 * The ops `decide` signal and update of a run that parks (orders, refunds both ways, the catalog):
 * the same decision as a signal (Web UI) or an update (API, CLI). Decisions queue up in `queue`
 * (a new list by default; the catalog keeps its own in its state) for the run to take one by one.
 * The update refuses what `validate` throws on, and answers only once its decision was taken off
 * the queue and the work it started is over (`busy` false), with `answer()`, so the caller sees
 * where it led. Returns the queue.
 */
export function handleDecisions<D, A>(opts: {
  signal: SignalDefinition<[D]>;
  update: UpdateDefinition<A, [D]>;
  queue?: D[];
  validate: (d: D) => void;
  busy?: () => boolean;
  answer: () => A;
}): D[] {
  const decisions = opts.queue ?? [];
  const busy = opts.busy ?? (() => false);
  setHandler(opts.signal, (d) => void decisions.push(d));
  setHandler(
    opts.update,
    async (d) => {
      decisions.push(d);
      await condition(() => !decisions.includes(d) && !busy());
      return opts.answer();
    },
    { validator: opts.validate },
  );
  return decisions;
}

/**
 * `handleDecisions` for a run that takes retry or skip (refunds both ways). The run is parked while
 * its `state` has a problem: a decision at any other time is refused, naming the run's subject
 * ("the refund"); the update answers the state's status and problem as they are once it is taken.
 */
export function handleRetrySkipDecisions<S, P>(opts: {
  signal: SignalDefinition<[RetrySkipDecision]>;
  update: UpdateDefinition<{ status: S; problem: P | null }, [RetrySkipDecision]>;
  /** Names the run in the refusal of an unknown action ("a refund", "an ERP refund"). */
  what: string;
  /** Names what is not parked in the refusal of a decision with nothing to decide ("the refund"). */
  subject: string;
  /** The run's state object, read when a decision comes (not a copy). */
  state: { readonly status: S; readonly problem: P | null };
  attempting: () => boolean;
}): RetrySkipDecision[] {
  const { state } = opts;
  return handleDecisions({
    signal: opts.signal,
    update: opts.update,
    busy: opts.attempting,
    answer: () => ({ status: state.status, problem: state.problem }),
    validate: (d) => {
      if (d.action !== 'retry' && d.action !== 'skip') throw new Error(`${opts.what} takes retry or skip, not ${String(d.action)}`);
      if (!state.problem) throw new Error(`nothing to decide: ${opts.subject} is not parked`);
    },
  });
}

/**
 * Parked: waits for ops' next decision and takes it. A transient problem (an outage) also stops
 * waiting after `retryMs`, to try again by itself (undefined then); a permanent one waits for ops.
 */
export async function nextDecision(decisions: RetrySkipDecision[], transient: boolean, retryMs: number): Promise<RetrySkipDecision | undefined> {
  if (transient) await condition(() => decisions.length > 0, retryMs);
  else await condition(() => decisions.length > 0);
  return decisions.shift();
}

/** The Web UI's lines for a run parked on a retry-or-skip decision: what is wrong, and how to decide. */
export function needsAttentionLines(problem: { step: string; type: string; message: string } | null): string[] {
  if (!problem) return [];
  return [`- **Needs attention** (${problem.step}): \`${problem.type}\`: ${problem.message}`, '- Decide: signal `decide` with `{"action":"retry"}` or `{"action":"skip"}`'];
}
