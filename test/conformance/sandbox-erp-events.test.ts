import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { ERP_TOKEN_HEADER } from '../../api/erp/webhook';
import { erpEventBatch, type ErpEvent } from '../../domain/shared/erp-event';
import { ERP_TOKEN_HEADER as SANDBOX_ERP_TOKEN_HEADER, type ErpEvent as SandboxErpEvent } from '../../sandbox/erp/events';
import { startSandboxes, type RunningSandboxes } from '../../sandbox/start-sandboxes';
import { startReceiver } from '../support/receiver';
import { Webhook } from 'standardwebhooks';
import { SignatureVerifier } from '../../api/shared/signed-webhooks';
import { eventually } from '../support/stack';

/**
 * The ERP sandbox declares its own copy of the change events and the push token header (it imports
 * nothing from the product). This holds the two copies together: the shapes match both ways (checked
 * by the typecheck), the header name is the one our API reads, and a real push from the sandbox
 * parses with the schema `POST /webhooks/erp` validates with.
 */
describe("the ERP sandbox's events against what our ERP webhook accepts", () => {
  let sandboxes: RunningSandboxes | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterAll(async () => {
    await sandboxes?.close();
    await receiver?.close();
  });

  it('has the same event shapes and token header', () => {
    expectTypeOf<SandboxErpEvent>().toEqualTypeOf<ErpEvent>();
    expect(SANDBOX_ERP_TOKEN_HEADER).toBe(ERP_TOKEN_HEADER);
  });

  it('pushes a stock change our schema accepts, with the token in our header, signed with the push secret', async () => {
    sandboxes = await startSandboxes({ bcPort: 0, erpPort: 0 });
    receiver = await startReceiver();
    const put = await fetch(`${sandboxes.erpUrl}/__sandbox/push`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, token: 'erp-push-token', signingSecret: 'erp-signing-secret-0123456789abcd' }),
    });
    expect(put.status).toBe(200);
    const post = await fetch(`${sandboxes.erpUrl}/__sandbox/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ levels: [{ sku: 'PACK-22', location: '1', onHand: 7 }] }),
    });
    expect(post.ok).toBe(true);
    const delivery = await eventually(() => receiver!.received[0], 'the ERP sandbox to push its event');
    expect(delivery.headers[ERP_TOKEN_HEADER]).toBe('erp-push-token');
    // Signed as our route verifies it (Standard Webhooks keyed by base64 of the secret), and by the library itself.
    expect(new SignatureVerifier([{ owner: 'erp', secrets: ['erp-signing-secret-0123456789abcd'] }]).verify(Buffer.from(delivery.raw), delivery.headers)).toMatchObject({
      ok: true,
    });
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(delivery.headers[h])]));
    expect(() => new Webhook(Buffer.from('erp-signing-secret-0123456789abcd').toString('base64')).verify(delivery.raw, headers)).not.toThrow();
    expect(new SignatureVerifier([{ owner: 'erp', secrets: ['another-secret-0123456789abcdef'] }]).verify(Buffer.from(delivery.raw), delivery.headers)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    const parsed = erpEventBatch.safeParse(delivery.body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data?.events).toEqual([expect.objectContaining({ type: 'inventory.changed', sku: 'PACK-22', location: '1', quantityOnHand: 7 })]);
  });
});
