/**
 * One line of `bcsync doctor`: what was checked, how it went and, for a failure, what to change.
 * Details and fixes name variables, scopes and commands, never a secret's value.
 */
export type CheckStatus = 'ok' | 'fail' | 'skip';

export interface Check {
  /** Stable id, e.g. `temporal.namespace`, `bigcommerce.abc123.scope.orders`. */
  id: string;
  /** temporal, bigcommerce, netsuite, oms, secrets, config. */
  group: string;
  status: CheckStatus;
  detail: string;
  /** For a failure: which variable, scope or command to change. */
  fix?: string;
}

export interface DoctorReport {
  checks: Check[];
  /** Every check passed (a skip counts as passed: it is only given where configuration turns the feature off). */
  ok: boolean;
}

export const ok = (group: string, id: string, detail: string): Check => ({ id, group, status: 'ok', detail });
export const fail = (group: string, id: string, detail: string, fix: string): Check => ({ id, group, status: 'fail', detail, fix });
export const skip = (group: string, id: string, detail: string): Check => ({ id, group, status: 'skip', detail });

/** An error's message, for a detail; never its cause chain or request options (which may carry credentials). */
export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** Runs a probe with a deadline: a connection that hangs fails the check instead of hanging the doctor. */
export async function withDeadline<T>(ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`${what}: no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
