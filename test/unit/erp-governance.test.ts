import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it, vi } from 'vitest';
import { erpFailure } from '../../activities/shared/failures';
import { ConfigError, DEV_DEFAULTS, loadConfig } from '../../config/env';
import { erpSlotsPerWorkerProcess } from '../../config/erp-governance';
import { erpGovernedFetch } from '../../config/erp-governed-fetch';
import { bearerAuth } from '../../connectors/erp/netsuite/auth/bearer';
import { NetSuiteClient } from '../../connectors/erp/netsuite/client';
import { parseNetSuiteError } from '../../connectors/erp/netsuite/errors';
import { governedFetch } from '../../connectors/erp/netsuite/governed-fetch';
import { governanceLimitsSchema, judgeShare, readGovernanceLimits } from '../../connectors/erp/netsuite/governance-limits';
import { LoginRejectionWatch } from '../../connectors/erp/netsuite/login-rejections';
import { httpRequest, type FetchLike } from '../../connectors/http';
import { erpInFlight, erpRejected } from '../../lib/metrics';
import type { Logger } from '../../lib/logger';
import { ERP_LOGIN_REJECTED_ALERT_KEY, logGovernanceLimits, startErpGovernance } from '../../workers/erp-governance';
import type { Client } from '@temporalio/client';

const asFailure = (x: unknown) => {
  expect(x).toBeInstanceOf(ApplicationFailure);
  return x as ApplicationFailure;
};

const CONCURRENCY_BODY = {
  type: 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1',
  title: 'Bad Request',
  status: 429,
  'o:errorDetails': [{ detail: 'Concurrent request limit exceeded. Request blocked.', 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' }],
};
const INVALID_LOGIN_BODY = {
  type: 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2',
  title: 'Unauthorized',
  status: 401,
  'o:errorDetails': [{ detail: 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI.', 'o:errorCode': 'INVALID_LOGIN' }],
};

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ERP_CONCURRENCY split among worker processes', () => {
  it('gives each process floor(share / processes), at least one', () => {
    expect(erpSlotsPerWorkerProcess(5, 1)).toBe(5);
    expect(erpSlotsPerWorkerProcess(5, 2)).toBe(2);
    expect(erpSlotsPerWorkerProcess(2, 2)).toBe(1);
    expect(erpSlotsPerWorkerProcess(65, 4)).toBe(16);
    expect(() => erpSlotsPerWorkerProcess(1, 2)).toThrow(/ERP_CONCURRENCY=1.*ERP_WORKER_PROCESSES=2/);
  });

  it('is in the Config, and a share smaller than the process count stops the start naming both', () => {
    const config = loadConfig({ ...DEV_DEFAULTS, ERP_CONCURRENCY: '7', ERP_WORKER_PROCESSES: '3' });
    expect(config.erpGovernance).toMatchObject({ share: 7, workerProcesses: 3, slotsPerWorkerProcess: 2, apiConcurrency: 2, loginRejectedAfterMs: 600_000 });
    expect(loadConfig({ ...DEV_DEFAULTS }).erpGovernance).toMatchObject({ workerProcesses: 1, slotsPerWorkerProcess: 5 });
    let thrown: unknown;
    try {
      loadConfig({ ...DEV_DEFAULTS, ERP_CONCURRENCY: '2', ERP_WORKER_PROCESSES: '3' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).issues).toEqual([expect.stringMatching(/^ERP_WORKER_PROCESSES: ERP_CONCURRENCY=2 .*ERP_WORKER_PROCESSES=3/)]);
  });
});

describe('NetSuite back-pressure classification', () => {
  it('takes a 429 CONCURRENCY_LIMIT_EXCEEDED (or the code under another status) as back-pressure, retried with backoff', () => {
    expect(parseNetSuiteError(429, CONCURRENCY_BODY).kind).toBe('concurrency_limit');
    expect(parseNetSuiteError(429, undefined).kind).toBe('concurrency_limit');
    expect(parseNetSuiteError(400, { ...CONCURRENCY_BODY, status: 400 }).kind).toBe('concurrency_limit');
    for (const idempotent of [true, false]) {
      const f = asFailure(erpFailure(parseNetSuiteError(429, CONCURRENCY_BODY), { idempotent, attempt: 30 }));
      expect(f.type).toBe('ErpConcurrencyLimit');
      expect(f.nonRetryable).toBe(false);
      expect(Number(f.nextRetryDelay)).toBeGreaterThanOrEqual(60_000);
      expect(Number(f.nextRetryDelay)).toBeLessThan(61_000);
    }
    expect(Number(asFailure(erpFailure(parseNetSuiteError(429, CONCURRENCY_BODY), { idempotent: true, attempt: 1 })).nextRetryDelay)).toBeLessThan(2_000);
  });

  it('takes a 401 "Invalid login attempt" as back-pressure: retried, never ErpAuth, however many attempts, while the streak is not persistent', () => {
    const err = parseNetSuiteError(401, INVALID_LOGIN_BODY);
    expect(err.kind).toBe('login_rejected');
    expect(parseNetSuiteError(401, 'Invalid login attempt.').kind).toBe('login_rejected');
    for (const attempt of [1, 3, 50]) {
      const f = asFailure(erpFailure(err, { idempotent: false, attempt, loginRejectionPersistent: () => false }));
      expect(f.type).toBe('ErpLoginRejected');
      expect(f.nonRetryable).toBe(false);
      expect(Number(f.nextRetryDelay)).toBeGreaterThanOrEqual(5_000);
    }
  });

  it('surfaces it as ErpAuth, not retried, once the process streak is persistent', () => {
    const f = asFailure(erpFailure(parseNetSuiteError(401, INVALID_LOGIN_BODY), { idempotent: true, attempt: 1, loginRejectionPersistent: () => true }));
    expect(f.type).toBe('ErpAuth');
    expect(f.nonRetryable).toBe(true);
  });

  it('keeps any other 401 an auth failure (believed when it repeats)', () => {
    const other = parseNetSuiteError(401, { title: 'Unauthorized', 'o:errorDetails': [{ detail: 'The access token is expired', 'o:errorCode': 'INVALID_TOKEN' }] });
    expect(other.kind).toBe('auth');
    expect(parseNetSuiteError(401, undefined).kind).toBe('auth');
    expect(asFailure(erpFailure(other, { idempotent: true, attempt: 3 }))).toMatchObject({ type: 'ErpAuth', nonRetryable: true });
  });
});

describe('LoginRejectionWatch', () => {
  it('is persistent only after both the time and the count, resets on an accepted answer, and alerts once per streak', () => {
    let now = 0;
    const watch = new LoginRejectionWatch({ persistAfterMs: 600_000, minRejections: 5 }, () => now);
    const alerts = vi.fn();
    watch.onPersistent(alerts);
    for (let i = 0; i < 4; i++) {
      watch.rejected();
      now += 300_000;
    }
    expect(watch.persistent()).toBe(false); // 20 minutes, but only 4 answers
    watch.rejected();
    expect(watch.persistent()).toBe(true);
    watch.rejected();
    expect(alerts).toHaveBeenCalledTimes(1);
    expect(alerts).toHaveBeenCalledWith({ rejections: 5, sinceMs: 0 });
    watch.accepted();
    expect(watch.persistent()).toBe(false);
    for (let i = 0; i < 10; i++) watch.rejected(); // ten at once: not yet ten minutes
    expect(watch.persistent()).toBe(false);
    now += 600_000;
    watch.rejected();
    expect(alerts).toHaveBeenCalledTimes(2);
  });
});

/** A fetch that records how many requests are in it at once, answering after `ms`. */
function countingFetch(answer: () => Response = () => json(200, { ok: true }), ms = 20) {
  const seen = { inFlight: 0, max: 0, calls: 0 };
  const fetchImpl = (async () => {
    seen.calls++;
    seen.inFlight++;
    seen.max = Math.max(seen.max, seen.inFlight);
    await sleep(ms);
    seen.inFlight--;
    return answer();
  }) as unknown as FetchLike;
  return { seen, fetchImpl };
}

describe('governed fetch', () => {
  it('never has more than maxInFlight requests in flight with 10 concurrent callers, and every caller is answered', async () => {
    const { seen, fetchImpl } = countingFetch();
    const changes: Array<[number, number]> = [];
    const governed = governedFetch({ maxInFlight: 3, fetch: fetchImpl, watch: new LoginRejectionWatch(), onInFlight: (i, w) => changes.push([i, w]) });
    const answers = await Promise.all(Array.from({ length: 10 }, () => httpRequest({ method: 'GET', url: 'https://x.test/a' }, governed)));
    expect(answers.every((a) => a.status === 200 && (a.body as { ok: boolean }).ok)).toBe(true);
    expect(seen.calls).toBe(10);
    expect(seen.max).toBe(3);
    expect(Math.max(...changes.map(([i]) => i))).toBe(3);
    expect(Math.max(...changes.map(([, w]) => w))).toBe(7);
    expect(changes.at(-1)).toEqual([0, 0]);
  });

  it('holds the slot until the body has been read', async () => {
    let releaseBody!: () => void;
    const bodyDone = new Promise<void>((r) => (releaseBody = r));
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      if (calls > 1) return json(200, { second: true });
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode('{"first":'));
          await bodyDone;
          controller.enqueue(new TextEncoder().encode('true}'));
          controller.close();
        },
      });
      return new Response(body, { status: 200 });
    }) as unknown as FetchLike;
    const governed = governedFetch({ maxInFlight: 1, fetch: fetchImpl, watch: new LoginRejectionWatch() });
    const first = httpRequest({ method: 'GET', url: 'https://x.test/1' }, governed);
    const second = httpRequest({ method: 'GET', url: 'https://x.test/2' }, governed);
    await sleep(30);
    expect(calls).toBe(1); // the first's headers are in, its body is not: the slot is still taken
    releaseBody();
    expect((await first).body).toEqual({ first: true });
    expect((await second).body).toEqual({ second: true });
    expect(calls).toBe(2);
  });

  it('lets a request whose deadline passes while it waits leave the queue', async () => {
    const { seen, fetchImpl } = countingFetch(undefined, 100);
    const governed = governedFetch({ maxInFlight: 1, fetch: fetchImpl, watch: new LoginRejectionWatch() });
    const first = httpRequest({ method: 'GET', url: 'https://x.test/1' }, governed);
    await expect(httpRequest({ method: 'GET', url: 'https://x.test/2', timeoutMs: 20 }, governed)).rejects.toThrow(/timed out/);
    expect((await first).status).toBe(200);
    expect((await httpRequest({ method: 'GET', url: 'https://x.test/3' }, governed)).status).toBe(200);
    expect(seen.calls).toBe(2);
  });

  it('reports 429 and the "Invalid login attempt" 401 as back-pressure, feeds the watch, and passes the body through', async () => {
    const answers = [json(429, CONCURRENCY_BODY), json(401, INVALID_LOGIN_BODY), json(401, { title: 'Unauthorized' }), json(404, {}), json(401, INVALID_LOGIN_BODY)];
    const fetchImpl = (async () => answers.shift()!) as unknown as FetchLike;
    const watch = new LoginRejectionWatch({ persistAfterMs: 0, minRejections: 100 });
    const pressure: string[] = [];
    const governed = governedFetch({ maxInFlight: 2, fetch: fetchImpl, watch, onBackPressure: (r) => pressure.push(r) });
    const first = await httpRequest({ method: 'GET', url: 'https://x.test/1' }, governed);
    expect(first.status).toBe(429);
    expect(parseNetSuiteError(first.status, first.body).kind).toBe('concurrency_limit');
    expect(watch.current()).toBeUndefined();
    const second = await httpRequest({ method: 'GET', url: 'https://x.test/2' }, governed);
    expect(parseNetSuiteError(second.status, second.body).kind).toBe('login_rejected');
    expect(watch.current()?.rejections).toBe(1);
    await httpRequest({ method: 'GET', url: 'https://x.test/3' }, governed); // another 401: neither load nor proof
    expect(watch.current()?.rejections).toBe(1);
    await httpRequest({ method: 'GET', url: 'https://x.test/4' }, governed); // a 404 proves the login works
    expect(watch.current()).toBeUndefined();
    await httpRequest({ method: 'GET', url: 'https://x.test/5' }, governed);
    expect(pressure).toEqual(['concurrency_429', 'invalid_login_401', 'invalid_login_401']);
  });

  it('counts in the process metrics through erpGovernedFetch, one per role and fetch', async () => {
    const config = loadConfig({ ...DEV_DEFAULTS, ERP_CONCURRENCY: '4', ERP_WORKER_PROCESSES: '2' });
    let inFlightSeen = 0;
    const answers = [json(429, CONCURRENCY_BODY), json(401, INVALID_LOGIN_BODY)];
    const fetchImpl = (async () => {
      inFlightSeen = Math.max(inFlightSeen, ((await erpInFlight.get()).values.find((v) => v.labels.process === 'worker')?.value ?? 0) as number);
      await sleep(10);
      return answers.shift() ?? json(200, {});
    }) as unknown as FetchLike;
    const governed = erpGovernedFetch(config, 'worker', fetchImpl);
    expect(erpGovernedFetch(config, 'worker', fetchImpl)).toBe(governed);
    expect(erpGovernedFetch(config, 'api', fetchImpl)).not.toBe(governed);
    const rejected = async (reason: string) => (await erpRejected.get()).values.find((v) => v.labels.process === 'worker' && v.labels.reason === reason)?.value ?? 0;
    const before = { c: await rejected('concurrency_429'), l: await rejected('invalid_login_401') };
    await Promise.all(Array.from({ length: 6 }, (_, i) => httpRequest({ method: 'GET', url: `https://x.test/${i}` }, governed)));
    expect(inFlightSeen).toBe(2); // 4 shared by 2 processes
    expect(await rejected('concurrency_429')).toBe(before.c + 1);
    expect(await rejected('invalid_login_401')).toBe(before.l + 1);
    expect((await erpInFlight.get()).values.find((v) => v.labels.process === 'worker')?.value).toBe(0);
  });
});

describe('governanceLimits', () => {
  const integrationSpecific = { accountConcurrencyLimit: 5, accountUnallocatedConcurrencyLimit: 3, integrationConcurrencyLimit: 2, integrationLimitType: 'integrationSpecific' };
  const accountLimit = { accountConcurrencyLimit: 5, accountUnallocatedConcurrencyLimit: 3, integrationLimitType: 'accountLimit' };

  it("parses NetSuite's three documented answers and refuses another shape", () => {
    expect(governanceLimitsSchema.parse(integrationSpecific).integrationConcurrencyLimit).toBe(2);
    expect(governanceLimitsSchema.parse(accountLimit).integrationLimitType).toBe('accountLimit');
    expect(governanceLimitsSchema.parse({ ...accountLimit, integrationLimitType: 'internal' }).integrationLimitType).toBe('internal');
    expect(governanceLimitsSchema.safeParse({ accountConcurrencyLimit: '5', integrationLimitType: 'accountLimit' }).success).toBe(false);
  });

  it('warns when the share is more than the limit that applies (own limit, else the unallocated one)', () => {
    expect(judgeShare(governanceLimitsSchema.parse(accountLimit), { share: 5, apiConcurrency: 2 }).warning).toMatch(/ERP_CONCURRENCY=5 .*unallocated.*3/);
    expect(judgeShare(governanceLimitsSchema.parse(integrationSpecific), { share: 3, apiConcurrency: 2 }).warning).toMatch(/ERP_CONCURRENCY=3 .*own limit.*2/);
    expect(judgeShare(governanceLimitsSchema.parse(accountLimit), { share: 2, apiConcurrency: 2 }).warning).toMatch(/ERP_API_CONCURRENCY=2/);
    expect(judgeShare(governanceLimitsSchema.parse(accountLimit), { share: 2, apiConcurrency: 1 })).toEqual({ applies: 3 });
    expect(judgeShare(governanceLimitsSchema.parse({ ...accountLimit, integrationLimitType: 'internal' }), { share: 50, apiConcurrency: 2 }).warning).toBeUndefined();
  });

  it('reads the endpoint with the auth header; 403/404 are unavailable, not errors', async () => {
    const seen: Array<{ url: string; auth: string | null }> = [];
    const answer = { current: json(200, integrationSpecific) };
    const fetchImpl = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: new Headers(init.headers).get('authorization') });
      return answer.current;
    }) as unknown as FetchLike;
    const req = new NetSuiteClient({ apiUrl: 'https://123-sb1.suitetalk.api.netsuite.com/', auth: bearerAuth('t'), fetch: fetchImpl });
    expect(await readGovernanceLimits(req)).toEqual({ ok: true, limits: integrationSpecific });
    expect(seen[0]).toEqual({ url: 'https://123-sb1.suitetalk.api.netsuite.com/services/rest/system/v1/governanceLimits', auth: 'Bearer t' });
    answer.current = json(403, { title: 'Forbidden', 'o:errorDetails': [{ detail: 'Permission Violation', 'o:errorCode': 'INSUFFICIENT_PERMISSION' }] });
    expect(await readGovernanceLimits(req)).toMatchObject({ ok: false, unavailable: expect.stringContaining('403') });
    answer.current = json(500, {});
    await expect(readGovernanceLimits(req)).rejects.toMatchObject({ kind: 'server' });
  });

  it('logs a warning at start when the share is more than the unallocated limit, info when unreadable', async () => {
    const logged: Array<[string, string]> = [];
    const logger = {
      info: (_f: unknown, msg: string) => logged.push(['info', msg]),
      warn: (_f: unknown, msg: string) => logged.push(['warn', msg]),
    } as unknown as Logger;
    const config = loadConfig({ ...DEV_DEFAULTS, ERP_CONCURRENCY: '5' });
    const answers = [json(200, accountLimit), json(404, {})];
    const fetchImpl = (async () => answers.shift()!) as unknown as FetchLike;
    const netsuite = new NetSuiteClient({ apiUrl: 'https://123.suitetalk.api.netsuite.com', auth: bearerAuth('t'), fetch: fetchImpl });
    await logGovernanceLimits(config, { logger, netsuite });
    await logGovernanceLimits(config, { logger, netsuite });
    expect(logged[0]?.[0]).toBe('warn');
    expect(logged[0]?.[1]).toMatch(/ERP_CONCURRENCY=5 is more than the account's unallocated limit/);
    expect(logged[1]?.[0]).toBe('info');
  });
});

describe('persistent login rejections at the worker', () => {
  it("raise one critical alert through the alert dispatcher's signal-with-start, and stop when asked", async () => {
    let now = 0;
    const watch = new LoginRejectionWatch({ persistAfterMs: 1_000, minRejections: 2 }, () => now);
    const signalWithStart = vi.fn(async () => undefined);
    const client = { workflow: { signalWithStart } } as unknown as Client;
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() } as unknown as Logger;
    const netsuite = {
      getService: vi.fn(async () => ({
        status: 200,
        headers: new Headers(),
        body: { accountConcurrencyLimit: 5, accountUnallocatedConcurrencyLimit: 5, integrationLimitType: 'accountLimit' },
      })),
    };
    const stop = startErpGovernance(loadConfig({ ...DEV_DEFAULTS }), { client, logger, netsuite, watch });
    watch.rejected();
    now = 2_000;
    watch.rejected();
    watch.rejected();
    await sleep(0);
    expect(signalWithStart).toHaveBeenCalledTimes(1);
    expect(signalWithStart.mock.calls[0]).toMatchObject([expect.any(String), { signalArgs: [{ key: ERP_LOGIN_REJECTED_ALERT_KEY, severity: 'critical' }] }]);
    expect(netsuite.getService).toHaveBeenCalledWith('/services/rest/system/v1/governanceLimits');
    stop();
    watch.accepted();
    watch.rejected();
    now = 5_000;
    watch.rejected();
    await sleep(0);
    expect(signalWithStart).toHaveBeenCalledTimes(1);
  });
});
