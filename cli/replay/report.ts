import type { ReplayOutcome } from './replay';

export interface ReplayCounts {
  histories: number;
  ok: number;
  nondeterministic: number;
  failed: number;
}

export function countOutcomes(outcomes: ReplayOutcome[]): ReplayCounts {
  return {
    histories: outcomes.length,
    ok: outcomes.filter((o) => o.status === 'ok').length,
    nondeterministic: outcomes.filter((o) => o.status === 'nondeterministic').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
  };
}

/** `replay: histories=N ok=K nondeterministic=M failed=F` */
export function summaryLine(c: ReplayCounts): string {
  return `replay: histories=${c.histories} ok=${c.ok} nondeterministic=${c.nondeterministic} failed=${c.failed}`;
}

/** A deploy gate passes only when there was something to replay and all of it replayed. */
export function gatePasses(c: ReplayCounts): boolean {
  return c.histories > 0 && c.ok === c.histories;
}

/**
 * One run's line (two for a non-deterministic one: the verdict, then the SDK's own sentence):
 *   order:abc:250 (orderSync, run 0193…) ok
 *   order:abc:251 (orderSync, run 0193…) non-deterministic at event 6: expected patched('order-v3') marker, got no patched('order-v3') call at that point
 *       Non-deprecated patch marker encountered for change order-v3, but there is no corresponding change command!
 *   order:abc:252 (run 0193…) failed: a payload does not decode: payload encrypted with key k1, which this process does not hold ...
 */
export function outcomeLines(o: ReplayOutcome): string[] {
  const what = [o.workflowType, o.runId ? `run ${o.runId}` : undefined].filter(Boolean).join(', ');
  const head = `${o.workflowId}${what ? ` (${what})` : ''}`;
  if (o.status === 'ok') return [`${head} ok`];
  if (o.status === 'failed') return [`${head} failed: ${o.message ?? 'unknown error'}`];
  const d = o.divergence;
  const at = d?.eventId !== undefined ? `at event ${d.eventId}` : '(the SDK names no event)';
  const diff = [d?.expected ? `expected ${d.expected}` : undefined, d?.actual ? `got ${d.actual}` : undefined].filter(Boolean).join(', ');
  return [`${head} non-deterministic ${at}${diff ? `: ${diff}` : ''}`, ...(d?.detail ? [`    ${d.detail}`] : [])];
}
