import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { condition, setHandler } from '@temporalio/workflow';

/** What ops decide on a parked run: try again now, or give it up. */
export interface RetrySkipDecision {
  action: 'retry' | 'skip';
  note?: string;
}

/**
 * The `decide` signal and update of a run that parks for ops (refunds both ways). Decisions queue
 * up in the returned list for the run to take one by one; the update answers only once its
 * decision was taken and the attempt it started is over (`attempting` false), with `answer()`, so
 * the caller sees where it led. It refuses a decision when nothing is parked (`parked` false).
 */
export function handleRetrySkipDecisions<A>(opts: {
  signal: SignalDefinition<[RetrySkipDecision]>;
  update: UpdateDefinition<A, [RetrySkipDecision]>;
  /** Names the run in the refusal of an unknown action ("a refund", "an ERP refund"). */
  what: string;
  parked: () => boolean;
  attempting: () => boolean;
  answer: () => A;
}): RetrySkipDecision[] {
  const decisions: RetrySkipDecision[] = [];
  setHandler(opts.signal, (d) => void decisions.push(d));
  setHandler(
    opts.update,
    async (d) => {
      decisions.push(d);
      await condition(() => !decisions.includes(d) && !opts.attempting());
      return opts.answer();
    },
    {
      validator: (d) => {
        if (d.action !== 'retry' && d.action !== 'skip') throw new Error(`${opts.what} takes retry or skip, not ${String(d.action)}`);
        if (!opts.parked()) throw new Error('nothing to decide: the refund is not parked');
      },
    },
  );
  return decisions;
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
