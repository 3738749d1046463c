import { describe, expect, it } from 'vitest';
import type { NetSuiteClient } from '../../connectors/erp/netsuite/client';
import { listUnlinkedErpRefunds } from '../../connectors/erp/netsuite/erp-refunds';
import { levelsOfSkus, SKUS_PER_LEVELS_QUERY } from '../../connectors/erp/netsuite/inventory-sweep';
import { checkErpEvent, erpEventEnvelope } from '../../domain/shared/erp-event';
import { erpRefundWorkflowId } from '../../workflows/refunds/erp-refund-sync.contract';

const NOW = Date.parse('2026-11-27T10:00:00Z');
const refund = (recordId: string) => ({ type: 'refund.authorized', eventId: 'r1', recordType: 'cashRefund', recordId, changedAt: '2026-11-27T09:59:00Z' });
const stock = (over: Record<string, unknown> = {}) => ({
  type: 'inventory.changed',
  eventId: 'e1',
  sku: 'A',
  location: '1',
  quantityOnHand: 1,
  quantityAvailable: 1,
  changedAt: '2026-11-27T09:59:00Z',
  ...over,
});

/** A NetSuite client answering SuiteQL from `answer`, recording the queries. */
function fakeNetSuite(answer: (q: string, offset: number) => { items: Array<Record<string, unknown>>; hasMore: boolean }) {
  const queries: string[] = [];
  const client = {
    async suiteql(q: string, page: { limit: number; offset: number }) {
      queries.push(q);
      return answer(q, page.offset);
    },
  } as unknown as NetSuiteClient;
  return { client, queries };
}

describe('checkErpEvent: one event on its own', () => {
  it('takes only canonical record ids (digits, no leading zero, at most 20)', () => {
    for (const id of ['1', '77', '12345678901234567890']) expect(checkErpEvent(refund(id), NOW).ok, id).toBe(true);
    for (const id of ['0123', '0', '12a', '-1', ' 12', '123456789012345678901', '']) {
      const c = checkErpEvent(refund(id), NOW);
      expect(c.ok, id).toBe(false);
      expect(c).toMatchObject({ eventId: 'r1', reason: expect.stringMatching(/^recordId: /) });
    }
  });

  it('refuses a changedAt more than 5 minutes ahead, and takes one just inside', () => {
    expect(checkErpEvent(stock({ changedAt: '2026-11-27T10:04:59Z' }), NOW).ok).toBe(true);
    expect(checkErpEvent(stock({ changedAt: '2026-11-27T10:05:01Z' }), NOW)).toEqual({
      ok: false,
      eventId: 'e1',
      reason: 'changedAt: 2026-11-27T10:05:01Z is more than 5 minutes in the future',
    });
    expect(checkErpEvent(stock({ changedAt: '2099-01-01T00:00:00Z' }), NOW).ok).toBe(false);
  });

  it('bounds every string, and names no eventId it could not trust', () => {
    expect(checkErpEvent(stock({ sku: 'S'.repeat(255) }), NOW).ok).toBe(true);
    expect(checkErpEvent(stock({ sku: 'S'.repeat(256) }), NOW).ok).toBe(false);
    expect(checkErpEvent(stock({ location: 'L'.repeat(65) }), NOW).ok).toBe(false);
    expect(checkErpEvent({ ...refund('1'), recordType: 'T'.repeat(65) }, NOW).ok).toBe(false);
    const longId = checkErpEvent(stock({ eventId: 'E'.repeat(129) }), NOW);
    expect(longId.ok).toBe(false);
    expect(longId).not.toHaveProperty('eventId', expect.any(String));
    expect(checkErpEvent(null, NOW).ok).toBe(false);
  });

  it('checks the envelope without looking at the events: at most 1000', () => {
    expect(erpEventEnvelope.safeParse({ events: Array.from({ length: 1000 }, () => 'x') }).success).toBe(true);
    expect(erpEventEnvelope.safeParse({ events: Array.from({ length: 1001 }, () => 'x') }).success).toBe(false);
    expect(erpEventEnvelope.safeParse({ events: [] }).success).toBe(false);
  });
});

describe('one workflow per ERP record, whichever path finds it', () => {
  it("the sweep's record id (NetSuite's own) and an event's canonical id name the same workflow; a non-canonical id never reaches a start", async () => {
    const { client } = fakeNetSuite(() => ({ items: [{ id: 123, type: 'CashRfnd', tranid: 'CR123', salesorder: 'bc-s1-100' }], hasMore: false }));
    const [found] = await listUnlinkedErpRefunds(client, 's1', 0);
    const event = checkErpEvent(refund('123'), NOW);
    expect(event.ok).toBe(true);
    const fromEvent = event.ok && event.event.type === 'refund.authorized' ? event.event.recordId : '';
    expect(erpRefundWorkflowId('s1', 'cashRefund', fromEvent)).toBe(erpRefundWorkflowId('s1', found!.recordType, found!.recordId));
    expect(checkErpEvent(refund('0123'), NOW).ok).toBe(false);
  });
});

describe('levelsOfSkus: the ERP levels an inventory event is a hint for', () => {
  it('reads the SKUs once each, in queries of at most SKUS_PER_LEVELS_QUERY, quoting them', async () => {
    const skus = [...Array.from({ length: SKUS_PER_LEVELS_QUERY + 5 }, (_, i) => `SKU-${i}`), "O'NEIL", 'SKU-1'];
    const { client, queries } = fakeNetSuite((q) => ({
      items: q.includes("'O''NEIL'") ? [{ sku: "O'NEIL", location: '1', quantityonhand: '4', quantityavailable: 3, lastmodified: '2026-11-27 09:00:00.250' }] : [],
      hasMore: false,
    }));
    const levels = await levelsOfSkus(client, skus);
    expect(queries).toHaveLength(2);
    expect(queries[0]).toContain("WHERE i.itemid IN ('SKU-0', 'SKU-1', ");
    expect(levels).toEqual([{ sku: "O'NEIL", location: '1', quantityOnHand: 4, quantityAvailable: 3, changedAtMs: Date.parse('2026-11-27T09:00:00.250Z') }]);
  });
});
