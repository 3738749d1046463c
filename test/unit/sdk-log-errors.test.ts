import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { errorShape, sdkLogMeta } from '../../workers/runtime';

const EMAIL = 'wilhelmina.quist@example.org';
const STREET = '12 Larkspur Hollow';

describe("the SDK's log lines keep an error's kind, never its text", () => {
  it("an activity failure quoting a shopper's email and street logs its name, type and status only", () => {
    const cause = Object.assign(new Error(`NetSuite 400 USER_ERROR: Invalid field value ${EMAIL}`), { status: 400, code: 'USER_ERROR', body: { detail: STREET } });
    const failure = ApplicationFailure.create({ message: `ERP refused ${EMAIL} at ${STREET}`, type: 'ErpValidation', nonRetryable: true, cause });
    const meta = sdkLogMeta({ error: failure, durationMs: 12, activityType: 'upsertSalesOrder' });
    const line = JSON.stringify(meta);
    expect(line).not.toContain(EMAIL);
    expect(line).not.toContain(STREET);
    expect(meta).toMatchObject({
      durationMs: 12,
      activityType: 'upsertSalesOrder',
      error: { name: 'ApplicationFailure', type: 'ErpValidation', nonRetryable: true, cause: { name: 'Error', status: 400, code: 'USER_ERROR' } },
    });
  });

  it('leaves metadata without errors as it is (no copy)', () => {
    const meta = { taskQueue: 'erp.netsuite', attempt: 3 };
    expect(sdkLogMeta(meta)).toBe(meta);
  });

  it('drops an over-long code, which could be text in disguise', () => {
    const err = Object.assign(new Error('x'), { code: `E_${EMAIL}_${'x'.repeat(80)}` });
    expect(errorShape(err)).not.toHaveProperty('code');
  });
});
