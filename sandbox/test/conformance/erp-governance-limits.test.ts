import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TBA } from '../../erp/auth';
import { UNLIMITED_REPORTED } from '../../erp/governance';
import { startSandboxes, type RunningSandboxes } from '../../start-sandboxes';

/**
 * `GET /services/rest/system/v1/governanceLimits` (ns:article_0625010817; FACTS.md section 2): the
 * account's concurrency limit, its unallocated part and this integration's limit type, behind the
 * same authentication as records, reflecting the sandbox's configured account limit.
 */
const PATH = '/services/rest/system/v1/governanceLimits';

let s: RunningSandboxes;
beforeAll(async () => {
  s = await startSandboxes({ bcPort: 0, erpPort: 0 });
});
afterAll(async () => {
  await s?.close();
});

const get = (token?: string) => fetch(`${s.erpUrl}${PATH}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('governanceLimits', () => {
  it("answers the configured account limit, all of it unallocated, the integration sharing the account's", async () => {
    s.erp.governance.settings.concurrencyLimit = 2;
    try {
      const res = await get('sandbox-erp-token');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ accountConcurrencyLimit: 2, accountUnallocatedConcurrencyLimit: 2, integrationLimitType: 'accountLimit' });
    } finally {
      s.erp.governance.settings.concurrencyLimit = 0;
    }
  });

  it('answers a limit no share reaches while the sandbox has none', async () => {
    const res = await get('sandbox-erp-token');
    expect(await res.json()).toEqual({ accountConcurrencyLimit: UNLIMITED_REPORTED, accountUnallocatedConcurrencyLimit: UNLIMITED_REPORTED, integrationLimitType: 'accountLimit' });
  });

  it("follows the settings control, and counts in the account's requests", async () => {
    const put = await fetch(`${s.erpUrl}/__sandbox/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ concurrencyLimit: 7 }) });
    expect(put.status).toBe(200);
    try {
      const before = s.erp.governance.stats.requests;
      expect(((await (await get('sandbox-erp-token')).json()) as { accountConcurrencyLimit: number }).accountConcurrencyLimit).toBe(7);
      expect(s.erp.governance.stats.requests).toBe(before + 1);
    } finally {
      s.erp.governance.settings.concurrencyLimit = 0;
    }
  });

  it('counts in peakDemand a request it refused for concurrency (the admitted ones and it), in peakInFlight only the admitted', async () => {
    Object.assign(s.erp.governance.settings, { concurrencyLimit: 1, processingMs: 200 });
    Object.assign(s.erp.governance.stats, { peakInFlight: 0, peakDemand: 0 });
    try {
      const statuses = (await Promise.all([0, 1, 2].map(() => get('sandbox-erp-token')))).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 429, 429]);
      expect(s.erp.governance.stats.peakInFlight).toBe(1);
      // A refused request is answered at once: at most the one admitted and one refused are in the sandbox together.
      expect(s.erp.governance.stats.peakDemand).toBe(2);
    } finally {
      Object.assign(s.erp.governance.settings, { concurrencyLimit: 0, processingMs: 0 });
    }
  });

  it('requires authentication like every record route', async () => {
    const refused = s.erp.auth.stats.refused.missing_credentials ?? 0;
    const anonymous = await get();
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { 'o:errorDetails': Array<{ 'o:errorCode': string }> })['o:errorDetails'][0]!['o:errorCode']).toBe('INVALID_LOGIN');
    expect(s.erp.auth.stats.refused.missing_credentials).toBe(refused + 1);
    expect((await get('another-token')).status).toBe(401);
  });

  it('refuses an unsigned request in tba mode', async () => {
    const tba = await startSandboxes({ bcPort: 0, erpPort: 0, erp: { auth: { mode: 'tba' } } });
    try {
      const res = await fetch(`${tba.erpUrl}${PATH}`, { headers: { authorization: `OAuth realm="1234567_SB1",oauth_consumer_key="${DEFAULT_TBA.consumerKey}"` } });
      expect(res.status).toBe(401);
      expect(tba.erp.auth.refusedTotal).toBe(1);
    } finally {
      await tba.close();
    }
  });
});
