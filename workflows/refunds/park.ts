import { nextDecision, type RetrySkipDecision } from '../shared/decisions';

/**
 * Parks a refund run (either way) on its problem until ops decide: NeedsAttention, shown, then the
 * next decision (or none, when a transient problem's `retryMs` passed), recorded as the last one. A
 * skip leaves the run Skipped with no problem; what follows (retry, or end) is the caller's.
 */
export async function parkForDecision<S extends string, P>(
  state: { status: S | 'NeedsAttention' | 'Skipped'; problem: P | null; lastDecision: { action: RetrySkipDecision['action']; at: string } | null },
  publish: () => void,
  decisions: RetrySkipDecision[],
  transient: boolean,
  retryMs: number,
): Promise<RetrySkipDecision | undefined> {
  state.status = 'NeedsAttention';
  publish();
  const d = await nextDecision(decisions, transient, retryMs);
  if (d) state.lastDecision = { action: d.action, at: new Date().toISOString() };
  if (d?.action === 'skip') {
    state.status = 'Skipped';
    state.problem = null;
  }
  return d;
}
