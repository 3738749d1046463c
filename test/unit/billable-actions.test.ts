import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { billableActions, total } from '../../bench/support/billable-actions';

describe('billable actions counted from a history (Temporal Cloud rules)', () => {
  it('counts the recorded created -> paid -> shipped lifecycle: 12 actions, by kind', () => {
    const json = JSON.parse(readFileSync(path.resolve(__dirname, '../histories/order-sync-v2-created-paid-shipped-sdk-1.24.0.json'), 'utf8'));
    const breakdown = billableActions(historyFromJSON(json));
    // One signal-with-start (1), the payment and shipment signals and the echo of our shipment (3),
    // six activities, one upsert (status + ERP id; the patch's version attribute is exempt), and the
    // timer that ends the run once shipped and quiet.
    expect(breakdown).toEqual({ 'workflow started': 1, signal: 3, 'activity attempt': 6, 'search attribute upsert': 1, timer: 1 });
    expect(total(breakdown)).toBe(12);
  });
});
