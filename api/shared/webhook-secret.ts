import { createHash, timingSafeEqual } from 'node:crypto';

/** The header `bcsync dev` and `bcsync hooks register` put on every hook they create. */
export const WEBHOOK_SECRET_HEADER = 'x-bcsync-secret';

/** Constant-time comparison; hashing first makes lengths equal so length does not leak either. */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
