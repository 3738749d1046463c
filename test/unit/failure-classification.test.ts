import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { bigCommerceFailure, erpFailure } from '../../activities/shared/failures';
import { BigCommerceError, kindForStatus } from '../../connectors/bigcommerce/errors';
import { ErpError, parseNetSuiteError } from '../../connectors/erp/netsuite/errors';

const asFailure = (x: unknown) => {
  expect(x).toBeInstanceOf(ApplicationFailure);
  return x as ApplicationFailure;
};

describe('BigCommerce error classification', () => {
  it('tells a rate-limit 429 from a platform-load 429 by the rate headers', () => {
    expect(kindForStatus(429, true)).toBe('rate_limited');
    expect(kindForStatus(429, false)).toBe('platform_load');
    expect(kindForStatus(404, true)).toBe('not_found');
    expect(kindForStatus(422, true)).toBe('validation');
    expect(kindForStatus(503, true)).toBe('server');
  });

  it('waits exactly until the window resets after a 429, plus a little jitter', () => {
    const f = asFailure(bigCommerceFailure(new BigCommerceError('rate_limited', '429', { status: 429, retryAfterMs: 12_000 }), { idempotent: true, attempt: 1 }));
    expect(f.type).toBe('BcRateLimited');
    expect(f.nonRetryable).toBe(false);
    const delay = Number(f.nextRetryDelay);
    expect(delay).toBeGreaterThanOrEqual(12_000);
    expect(delay).toBeLessThan(12_250);
  });

  it('backs off exponentially on platform load when the pacer gave no delay', () => {
    const delays = [1, 2, 3, 4, 8].map((attempt) =>
      Number(asFailure(bigCommerceFailure(new BigCommerceError('platform_load', '429'), { idempotent: true, attempt })).nextRetryDelay),
    );
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 60_000]);
    const fromPacer = asFailure(bigCommerceFailure(new BigCommerceError('platform_load', '429', { retryAfterMs: 3_210 }), { idempotent: true, attempt: 1 }));
    expect(Number(fromPacer.nextRetryDelay)).toBe(3_210);
  });

  it('never retries what cannot change: not found, validation, auth, a response of the wrong shape', () => {
    for (const kind of ['not_found', 'validation', 'auth', 'bad_response'] as const) {
      expect(asFailure(bigCommerceFailure(new BigCommerceError(kind, kind), { idempotent: true, attempt: 1 })).nonRetryable).toBe(true);
    }
  });

  it('retries a 5xx or a network error only for idempotent calls: a POST is never repeated blindly', () => {
    for (const kind of ['server', 'network'] as const) {
      expect(asFailure(bigCommerceFailure(new BigCommerceError(kind, kind), { idempotent: true, attempt: 1 })).nonRetryable).toBe(false);
      expect(asFailure(bigCommerceFailure(new BigCommerceError(kind, kind), { idempotent: false, attempt: 1 })).nonRetryable).toBe(true);
    }
  });

  it('passes anything that is not a BigCommerce error through untouched', () => {
    const err = new TypeError('a bug');
    expect(bigCommerceFailure(err, { idempotent: true, attempt: 1 })).toBe(err);
  });
});

describe('NetSuite error classification', () => {
  it('reads NetSuite error bodies and treats CONCURRENCY_LIMIT_EXCEEDED as retryable', () => {
    const body = {
      type: 't',
      title: 'Bad Request',
      status: 429,
      'o:errorDetails': [{ detail: 'Concurrent request limit exceeded. Request blocked.', 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' }],
    };
    const err = parseNetSuiteError(429, body);
    expect(err.kind).toBe('concurrency_limit');
    expect(asFailure(erpFailure(err, { idempotent: true, attempt: 1 })).nonRetryable).toBe(false);
    const invalid = parseNetSuiteError(400, {
      title: 'Bad Request',
      'o:errorDetails': [{ detail: 'Invalid Field Value X for the following field: item', 'o:errorCode': 'USER_ERROR' }],
    });
    expect(invalid.kind).toBe('validation');
    expect(invalid.message).toContain('USER_ERROR');
    expect(asFailure(erpFailure(invalid, { idempotent: true, attempt: 1 })).nonRetryable).toBe(true);
  });

  it('believes a 401 only when it repeats (NetSuite answers 401 under load)', () => {
    const auth = new ErpError('auth', 'Invalid login attempt', { status: 401 });
    expect(asFailure(erpFailure(auth, { idempotent: true, attempt: 1 })).nonRetryable).toBe(false);
    expect(asFailure(erpFailure(auth, { idempotent: true, attempt: 3 })).nonRetryable).toBe(true);
  });
});
