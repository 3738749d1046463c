import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TBA } from '../../sandbox/erp/auth';
import { generateM2mCredentials } from '../../sandbox/erp/m2m-keys';
import { demoOrderBody } from '../../sandbox/demo-orders';
import { orderStateQuery, orderWorkflowId } from '../../workflows/orders/order-sync.contract';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * A full order sync (a BigCommerce order -> its webhook -> orderSync -> the ERP's sales order) with
 * the ERP sandbox enforcing NetSuite's authentication: OAuth 2.0 M2M (JWT assertion -> token) and
 * TBA (an OAuth 1.0a signature on every request). In M2M, every token expires between two orders:
 * the client's first request with the old token is refused, it gets a new token and sends it again,
 * and the order syncs without being parked.
 */

/** The sales order the ERP sandbox holds for the order, read from its state (no credential needed). */
const salesOrderOf = (stack: Stack, orderId: number) => Object.values(stack.sandboxes.erp.data.salesOrders).find((o) => o.externalId === `bc-${stack.storeHash}-${orderId}`);

/** Every BcSyncStatus the workflow has set, in order, read from its history. */
async function statusesSet(stack: Stack, orderId: number): Promise<string[]> {
  const history = await stack.client.workflow.getHandle(orderWorkflowId(stack.storeHash, orderId)).fetchHistory();
  const statuses: string[] = [];
  for (const e of history.events ?? []) {
    const payload = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.BcSyncStatus;
    if (payload) statuses.push(String(defaultPayloadConverter.fromPayload(payload)));
  }
  return statuses;
}

/** Activity attempts that failed in the workflow's history (a 401 the client handled itself is none). */
async function failedActivities(stack: Stack, orderId: number): Promise<number> {
  const history = await stack.client.workflow.getHandle(orderWorkflowId(stack.storeHash, orderId)).fetchHistory();
  return (history.events ?? []).filter((e) => e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes).length;
}

/** Creates an order and waits until the ERP has its sales order and the workflow is Synced; returns the order id. */
async function syncOneOrder(stack: Stack, variant: number): Promise<number> {
  const order = await stack.createOrder(demoOrderBody(variant));
  const record = await eventually(() => salesOrderOf(stack, order.id), `the ERP sales order of order ${order.id}`);
  expect(record.lines.length).toBeGreaterThan(0);
  const handle = stack.client.workflow.getHandle(orderWorkflowId(stack.storeHash, order.id));
  const state = await eventually(async () => {
    const s = await handle.query(orderStateQuery);
    return s.status === 'Synced' && s.erp.id !== null ? s : undefined;
  }, `order ${order.id} Synced`);
  expect(state.erp.id).toBe(record.id);
  expect(state.problem).toBeNull();
  // Never parked, not even for a moment.
  const statuses = await statusesSet(stack, order.id);
  expect(statuses).toContain('Synced');
  expect(statuses).not.toContain('NeedsAttention');
  return order.id;
}

describe('m2m: OAuth 2.0 client credentials', () => {
  let stack: Stack;
  beforeAll(async () => {
    const m2m = generateM2mCredentials(mkdtempSync(path.join(tmpdir(), 'bcsync-m2m-sync-')));
    stack = await startStack(
      {
        NETSUITE_AUTH: 'm2m',
        NETSUITE_ACCOUNT_ID: '1234567_SB1',
        NETSUITE_CLIENT_ID: m2m.certificate.clientId,
        NETSUITE_CERTIFICATE_ID: m2m.certificate.certificateId,
        NETSUITE_PRIVATE_KEY_FILE: m2m.privateKeyFile,
      },
      { erpAuth: { mode: 'm2m', certificates: [m2m.certificate] } },
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('syncs an order with a token from the token endpoint; after every token expires, the next order refreshes once and syncs, nothing parked', async () => {
    const auth = stack.sandboxes.erp.auth;
    expect(stack.config.erp.authMode).toBe('m2m');
    const first = await syncOneOrder(stack, 0);
    expect(auth.stats.tokensIssued).toBeGreaterThanOrEqual(1);
    expect(auth.refusedTotal).toBe(0);
    expect(await failedActivities(stack, first)).toBe(0);

    // Every token dies before the next order: the clients still hold theirs (not due for refresh).
    const issuedBefore = auth.stats.tokensIssued;
    const authenticatedBefore = auth.stats.authenticated;
    const expire = await fetch(`${stack.sandboxes.erpUrl}/__sandbox/auth/expire-tokens`, { method: 'POST' });
    expect(((await expire.json()) as { expired: number }).expired).toBe(issuedBefore);

    const second = await syncOneOrder(stack, 1);
    // The worker's client was refused with its old token, got a new one and sent the request again.
    expect(auth.stats.refused.expired_token).toBeGreaterThanOrEqual(1);
    // One refusal per client holding an expired token, never one per request: a request is refused at most once.
    expect(auth.stats.refused.expired_token).toBeLessThanOrEqual(issuedBefore);
    expect(Object.keys(auth.stats.refused)).toEqual(['expired_token']);
    expect(auth.stats.tokensIssued).toBeGreaterThanOrEqual(issuedBefore + 1);
    expect(auth.stats.tokensIssued).toBeLessThanOrEqual(issuedBefore * 2);
    expect(auth.stats.tokenRefused).toEqual({});
    // The refused request was sent again with the new token, and let through.
    expect(auth.stats.authenticated).toBeGreaterThan(authenticatedBefore);
    // The 401 was handled inside the request: no activity attempt failed.
    expect(await failedActivities(stack, second)).toBe(0);
    expect(Object.values(stack.sandboxes.erp.data.salesOrders).filter((o) => o.externalId.startsWith(`bc-${stack.storeHash}-`))).toHaveLength(2);
  });
});

describe('tba: OAuth 1.0a signatures', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(
      {
        NETSUITE_AUTH: 'tba',
        NETSUITE_ACCOUNT_ID: '1234567_SB1',
        NETSUITE_CONSUMER_KEY: DEFAULT_TBA.consumerKey,
        NETSUITE_CONSUMER_SECRET: DEFAULT_TBA.consumerSecret,
        NETSUITE_TOKEN_ID: DEFAULT_TBA.tokenId,
        NETSUITE_TOKEN_SECRET: DEFAULT_TBA.tokenSecret,
      },
      { erpAuth: { mode: 'tba' } },
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('syncs an order, every ERP request signed and verified, none refused', async () => {
    const auth = stack.sandboxes.erp.auth;
    expect(stack.config.erp.authMode).toBe('tba');
    const orderId = await syncOneOrder(stack, 2);
    expect(auth.refusedTotal).toBe(0);
    expect(auth.stats.authenticated).toBeGreaterThanOrEqual(2);
    expect(auth.stats.tokensIssued).toBe(0);
    expect(await failedActivities(stack, orderId)).toBe(0);
    // The fixed bearer token of the other mode opens nothing here.
    const bearer = await fetch(`${stack.sandboxes.erpUrl}/services/rest/record/v1/salesOrder/eid:bc-${stack.storeHash}-${orderId}`, {
      headers: { authorization: 'Bearer sandbox-erp-token' },
    });
    expect(bearer.status).toBe(401);
  });
});
