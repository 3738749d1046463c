import { z } from 'zod';
import type { HttpResponse } from '../../http';
import type { NetSuiteClient } from './client';
import { ErpError } from './errors';

/**
 * `GET /services/rest/system/v1/governanceLimits` (ns:article_0625010817): the account's concurrency
 * limit, the part no integration has been given (`accountUnallocatedConcurrencyLimit`, shared by
 * every integration without a limit of its own), and this integration's limit type: `integrationSpecific`
 * (with `integrationConcurrencyLimit`), `accountLimit` or `internal`. Answered to administrator roles
 * only: anything else gets 403 (or 404), which is no error here.
 */
export const governanceLimitsSchema = z.object({
  accountConcurrencyLimit: z.number().int().nonnegative(),
  accountUnallocatedConcurrencyLimit: z.number().int().nonnegative(),
  integrationConcurrencyLimit: z.number().int().nonnegative().optional(),
  integrationLimitType: z.enum(['integrationSpecific', 'accountLimit', 'internal']),
});
export type GovernanceLimits = z.infer<typeof governanceLimitsSchema>;

export const GOVERNANCE_LIMITS_PATH = '/services/rest/system/v1/governanceLimits';

/** The limits, or `unavailable` with why when the role may not read them (403/404). Other failures throw ErpError. */
export async function readGovernanceLimits(netsuite: Pick<NetSuiteClient, 'getService'>): Promise<{ ok: true; limits: GovernanceLimits } | { ok: false; unavailable: string }> {
  let res: HttpResponse;
  try {
    res = await netsuite.getService(GOVERNANCE_LIMITS_PATH);
  } catch (err) {
    if (err instanceof ErpError && (err.kind === 'forbidden' || err.kind === 'not_found')) return { ok: false, unavailable: err.message };
    throw err;
  }
  const parsed = governanceLimitsSchema.safeParse(res.body);
  if (!parsed.success)
    throw new ErpError('bad_response', `governanceLimits answered an unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, {
      status: res.status,
    });
  return { ok: true, limits: parsed.data };
}

/**
 * What the configured share means against the account's limits: the limit that applies to this
 * integration (its own, else the unallocated one it shares with every integration without a limit),
 * and a warning when the share, with the API processes' budget on top, is more than that.
 */
export function judgeShare(limits: GovernanceLimits, configured: { share: number; apiConcurrency: number }): { applies?: number; warning?: string } {
  const applies =
    limits.integrationLimitType === 'integrationSpecific' && limits.integrationConcurrencyLimit !== undefined
      ? { limit: limits.integrationConcurrencyLimit, name: "this integration's own limit (integrationConcurrencyLimit)" }
      : limits.integrationLimitType === 'internal'
        ? undefined
        : {
            limit: limits.accountUnallocatedConcurrencyLimit,
            name: "the account's unallocated limit (accountUnallocatedConcurrencyLimit), shared with every integration without a limit of its own",
          };
  if (!applies) return {};
  if (configured.share > applies.limit) {
    return {
      applies: applies.limit,
      warning: `ERP_CONCURRENCY=${configured.share} is more than ${applies.name}, ${applies.limit} (account limit ${limits.accountConcurrencyLimit}): NetSuite will refuse requests with 429 CONCURRENCY_LIMIT_EXCEEDED; lower ERP_CONCURRENCY or allocate more to this integration`,
    };
  }
  if (configured.share + configured.apiConcurrency > applies.limit) {
    return {
      applies: applies.limit,
      warning: `ERP_CONCURRENCY=${configured.share} plus one API process's ERP_API_CONCURRENCY=${configured.apiConcurrency} is more than ${applies.name}, ${applies.limit}: expect 429s while the API reads the ERP`,
    };
  }
  return { applies: applies.limit };
}
