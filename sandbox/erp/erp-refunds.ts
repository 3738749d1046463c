import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ErpSandboxContext } from './extensions';
import { netSuiteError, recordNotFound } from './netsuite-errors';
import type { ErpRefundLineRecord, ErpRefundRecord, ErpRefundRecordType, ErpRefundsData } from './state';
import { formatTimestamp, parseToTimestamp } from './suiteql';

/**
 * ERP-side refunds: cash refunds and return authorizations an ERP user creates against one of our
 * sales orders (NetSuite `cashRefund` / `returnAuthorization`, created from the sales order here,
 * as a shop that books orders as sales orders does). Each new one pushes `refund.authorized`.
 * The sync reads them with GET, links the BigCommerce refund back with PATCH
 * (`custbody_bcsync_bc_refund_id`), and sweeps the unlinked ones with a SuiteQL query.
 */

const STATUS = {
  refunded: { id: 'R', refName: 'Refunded' },
  pendingApproval: { id: 'A', refName: 'Pending Approval' },
  pendingReceipt: { id: 'B', refName: 'Pending Receipt' },
  pendingRefund: { id: 'F', refName: 'Pending Refund' },
};

/** SuiteQL transaction type codes. */
const TYPE_CODE: Record<ErpRefundRecordType, string> = { cashRefund: 'CashRfnd', returnAuthorization: 'RtnAuth' };

const round2 = (n: number) => Math.round(n * 100) / 100;

const createBody = z.strictObject({
  recordType: z.enum(['cashRefund', 'returnAuthorization']),
  /** The sales order's externalId (bc-<storeHash>-<orderId>). */
  salesOrder: z.string().min(1),
  /** Goods: the sales-order line (custcol_bcsync_line_id = BigCommerce order product id) and units. */
  lines: z.array(z.strictObject({ lineId: z.string().min(1), quantity: z.number().int().positive() })).default([]),
  /** Money that is not goods (goodwill), one line each on the charge item bcsync-refund-adjustment. */
  amounts: z.array(z.strictObject({ amount: z.number(), description: z.string().default('Adjustment') })).default([]),
  shipping: z.number().nonnegative().default(0),
  memo: z.string().default(''),
  /** Returns: approved (the default) pushes `refund.authorized`; false leaves it Pending Approval. */
  approved: z.boolean().default(true),
  /** Returns: the goods are already back in the warehouse. */
  received: z.boolean().default(false),
});

export function erpRefundsExtension(ctx: ErpSandboxContext): void {
  const store = (): ErpRefundsData => (ctx.data.erpRefunds ??= { records: {}, writes: {} });
  const location = (req: Request, type: string, id: string) => `${req.protocol}://${req.get('host')}/services/rest/record/v1/${type}/${id}`;
  const find = (type: ErpRefundRecordType, key: string) => {
    const r = store().records[key];
    return r && r.type === type ? r : undefined;
  };
  const authorize = (r: ErpRefundRecord) => ctx.events.emit({ type: 'refund.authorized', recordType: r.type, recordId: r.id, changedAt: new Date(r.modifiedMs).toISOString() });

  // --- records (NetSuite shape) ---
  for (const type of ['cashRefund', 'returnAuthorization'] as const) {
    ctx.records.get(`/${type}/:key`, (req, res) => {
      const r = find(type, String(req.params.key));
      if (!r) return void recordNotFound(res);
      const self = location(req, type, r.id);
      const expand = req.query.expandSubResources === 'true';
      res.json({
        links: [{ rel: 'self', href: self }],
        ...r.fields,
        id: r.id,
        tranId: r.tranId,
        entity: r.entity,
        createdFrom: r.createdFrom,
        status: r.status,
        memo: r.memo,
        shippingCost: r.shippingCost,
        createdDate: new Date(r.createdMs).toISOString(),
        lastModifiedDate: new Date(r.modifiedMs).toISOString(),
        total: round2(r.lines.reduce((s, l) => s + l.amount, 0) + r.shippingCost),
        item: expand
          ? { links: [{ rel: 'self', href: `${self}/item` }], count: r.lines.length, items: r.lines, totalResults: r.lines.length }
          : { links: [{ rel: 'self', href: `${self}/item` }] },
      });
    });

    // PATCH changes only the body fields it sends (an integration's custom fields, the memo).
    ctx.records.patch(`/${type}/:key`, (req, res) => {
      const r = find(type, String(req.params.key));
      if (!r) return void recordNotFound(res);
      const parsed = z
        .record(z.string().regex(/^(custbody_\w+|memo)$/, 'only custbody_* fields and memo are writable here'), z.union([z.string(), z.number(), z.boolean(), z.null()]))
        .safeParse(req.body ?? {});
      if (!parsed.success) return void res.status(400).json(netSuiteError(400, 'Bad Request', parsed.error.issues[0]?.message ?? 'invalid', 'USER_ERROR'));
      const { memo, ...fields } = parsed.data;
      if (typeof memo === 'string') r.memo = memo;
      r.fields = { ...r.fields, ...fields };
      r.modifiedMs = ctx.now();
      const key = `${type}:${r.id}`;
      store().writes[key] = (store().writes[key] ?? 0) + 1;
      ctx.changed();
      res
        .status(204)
        .set('Location', location(req, type, r.id))
        .end();
    });
  }

  // --- SuiteQL: the sweep for refunds and returns not yet linked to a BigCommerce refund ---
  ctx.suiteql.register({
    name: "unlinked cash refunds and return authorizations of one store's sales orders modified since a watermark",
    pattern:
      /^SELECT t\.id, t\.type, t\.tranid, t\.lastmodifieddate, so\.externalid AS salesorder FROM transaction t JOIN transaction so ON so\.id = t\.createdfrom WHERE t\.type IN \('CashRfnd', 'RtnAuth'\) AND t\.custbody_bcsync_bc_refund_id IS NULL AND so\.externalid LIKE '([a-z0-9-]+)%' AND t\.lastmodifieddate >= TO_TIMESTAMP\('([^']+)', 'YYYY-MM-DD HH24:MI:SS'\) ORDER BY t\.lastmodifieddate, t\.id$/i,
    rows(m) {
      const prefix = m[1]!;
      const since = parseToTimestamp(m[2]!);
      return Object.values(store().records)
        .filter((r) => r.fields.custbody_bcsync_bc_refund_id == null && r.createdFrom.externalId.startsWith(prefix) && r.modifiedMs >= since)
        .sort((a, b) => a.modifiedMs - b.modifiedMs || Number(a.id) - Number(b.id))
        .map((r) => ({ id: r.id, type: TYPE_CODE[r.type], tranid: r.tranId, lastmodifieddate: formatTimestamp(r.modifiedMs), salesorder: r.createdFrom.externalId }));
    },
  });

  // --- controls: what an ERP user does in NetSuite's UI ---
  const bad = (res: Response, reason: string) => res.status(400).json({ error: 'invalid control request', reason });

  ctx.controls.post('/erp-refunds', (req, res) => {
    const parsed = createBody.safeParse(req.body);
    if (!parsed.success) return void bad(res, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const body = parsed.data;
    const so = Object.values(ctx.data.salesOrders).find((o) => o.externalId === body.salesOrder);
    if (!so) return void bad(res, `no sales order ${body.salesOrder}`);
    const lines: ErpRefundLineRecord[] = [];
    for (const want of body.lines) {
      const from = so.lines.find((l) => l.custcol_bcsync_line_id === want.lineId);
      if (!from) return void bad(res, `sales order ${so.externalId} has no line ${want.lineId}`);
      lines.push({
        ...from,
        line: lines.length + 1,
        quantity: want.quantity,
        amount: round2(from.rate * want.quantity),
        ...(body.received ? { quantityReceived: want.quantity } : {}),
      });
    }
    for (const a of body.amounts) {
      const item = ctx.ensureItem('bcsync-refund-adjustment');
      lines.push({
        line: lines.length + 1,
        item: { id: item.id, externalId: item.externalId, refName: item.itemId },
        description: a.description,
        quantity: 1,
        rate: a.amount,
        amount: round2(a.amount),
      });
    }
    if (!lines.length && body.shipping === 0) return void bad(res, 'a refund needs lines, amounts or shipping');
    const t = ctx.now();
    const id = String(ctx.data.nextId++);
    const isReturn = body.recordType === 'returnAuthorization';
    const record: ErpRefundRecord = {
      id,
      type: body.recordType,
      tranId: `${isReturn ? 'RMA' : 'CR'}${id}`,
      entity: so.entity,
      createdFrom: { id: so.id, externalId: so.externalId, refName: so.tranId },
      status: !isReturn ? STATUS.refunded : !body.approved ? STATUS.pendingApproval : body.received ? STATUS.pendingRefund : STATUS.pendingReceipt,
      lines,
      shippingCost: body.shipping,
      memo: body.memo,
      fields: {},
      createdMs: t,
      modifiedMs: t,
    };
    store().records[id] = record;
    ctx.changed();
    const event = record.status.id === 'A' ? null : authorize(record);
    res.status(201).json({ record, event });
  });

  /** A return's goods arrive (item receipt). Stock is the inventory side's business: no refund event. */
  ctx.controls.post('/erp-refunds/returnAuthorization/:id/receive', (req, res) => {
    const r = find('returnAuthorization', String(req.params.id));
    if (!r) return void res.status(404).json({ error: 'no such return authorization' });
    for (const l of r.lines) if (l.custcol_bcsync_line_id) l.quantityReceived = l.quantity;
    if (r.status.id === 'B') r.status = STATUS.pendingRefund;
    r.modifiedMs = ctx.now();
    ctx.changed();
    res.json({ record: r });
  });

  /** A return pending approval is approved: now it is authorised. */
  ctx.controls.post('/erp-refunds/returnAuthorization/:id/approve', (req, res) => {
    const r = find('returnAuthorization', String(req.params.id));
    if (!r) return void res.status(404).json({ error: 'no such return authorization' });
    if (r.status.id !== 'A') return void bad(res, `return ${r.tranId} is ${r.status.refName}, not Pending Approval`);
    r.status = r.lines.some((l) => l.quantityReceived) ? STATUS.pendingRefund : STATUS.pendingReceipt;
    r.modifiedMs = ctx.now();
    ctx.changed();
    res.json({ record: r, event: authorize(r) });
  });

  ctx.controls.get('/erp-refunds', (_req, res) => void res.json(store()));
}
