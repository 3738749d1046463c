import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { erpCatalogExtension } from './catalog';
import { ErpAuth, type ErpAuthOptions } from './auth';
import { erpRefundsExtension } from './erp-refunds';
import { ErpEventPusher } from './events';
import type { ErpSandboxContext, ErpSandboxExtension } from './extensions';
import { ErpGovernance } from './governance';
import { SuiteQlRegistry } from './suiteql';
import { NetSuiteInputError, netSuiteError, parseRecordBody, recordNotFound, upsertExternalId } from './netsuite-errors';
import { freshErpData, upgradeErpData, type ErpCreditMemo, type ErpCustomer, type ErpItem, type ErpSalesOrder, type ErpSandboxData } from './state';
import { erpStockExtension } from './stock';

/** The parts of the ERP sandbox that plug themselves in (extensions.ts), one line each. */
const ERP_EXTENSIONS: readonly ErpSandboxExtension[] = [erpCatalogExtension, erpRefundsExtension, erpStockExtension];

export interface ErpSandboxOptions {
  /** How record and SuiteQL requests authenticate (auth.ts): `bearer` with `accessToken` by default. */
  auth?: ErpAuthOptions;
  /** The bearer token of `bearer` mode (same as `auth.accessToken`). */
  accessToken?: string;
  data?: ErpSandboxData;
  onChange?: (data: ErpSandboxData) => void;
  now?: () => number;
  random?: () => number;
}

export { DEFAULT_ERP_TOKEN } from './auth';
const RECORD_BASE = '/services/rest/record/v1';

const ref = z.object({ id: z.string().optional(), externalId: z.string().optional() }).refine((r) => r.id || r.externalId, 'a reference needs id or externalId');

/** The item sublist of a sales order or credit memo: at least one line (`empty` says which record lacked one). */
const itemLines = (empty: string) =>
  z.object({
    items: z
      .array(
        z.object({
          item: ref,
          description: z.string().optional(),
          quantity: z.number().positive(),
          rate: z.number(),
          amount: z.number().optional(),
          custcol_bcsync_line_id: z.string().optional(),
        }),
      )
      .min(1, empty),
  });

const salesOrderBody = z
  .object({
    externalId: z.string().optional(),
    entity: ref,
    item: itemLines('a sales order needs at least one item line'),
    shippingCost: z.number().nonnegative().optional(),
    discountItem: ref.optional(),
    discountRate: z.number().optional(),
  })
  .loose();

const creditMemoBody = z
  .object({
    externalId: z.string().optional(),
    entity: ref,
    createdFrom: ref,
    item: itemLines('a credit memo needs at least one item line'),
  })
  .loose();

const customerBody = z
  .object({
    companyName: z.string().optional(),
    email: z.string().optional(),
    isPerson: z.boolean().optional(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
  })
  .loose();

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The totals NetSuite computes for a sales order: its lines, the header discount and shipping. */
function salesOrderTotals(record: ErpSalesOrder) {
  const subtotal = round2(record.lines.reduce((s, l) => s + l.amount, 0));
  const discountTotal = round2(Number(record.fields.discountRate ?? 0));
  const shippingCost = round2(Number(record.fields.shippingCost ?? 0));
  return { subtotal, discountTotal, shippingCost, total: round2(subtotal + discountTotal + shippingCost) };
}

/**
 * The ERP sandbox: NetSuite's REST record API shape for the records this product writes. Upsert by
 * external id (`PUT .../eid:<id>` -> 204 + Location), reads with `expandSubResources`, NetSuite's
 * error bodies, and the totals NetSuite computes itself.
 */
export interface ErpSandbox {
  app: Express;
  data: ErpSandboxData;
  governance: ErpGovernance;
  /** Authentication: its mode, counts (`auth.stats`), token controls (`auth.m2m.expireAll()`). */
  auth: ErpAuth;
  /** Outbound change events (set `events.settings.url` to push them to `POST /webhooks/erp`). */
  events: ErpEventPusher;
  stop(): void;
}

export function createErpSandbox(options: ErpSandboxOptions = {}): ErpSandbox {
  const data = options.data ? upgradeErpData(options.data) : freshErpData();
  const now = options.now ?? Date.now;
  const auth = new ErpAuth({ accessToken: options.accessToken, ...options.auth }, now);
  const changed = () => options.onChange?.(data);
  const governance = new ErpGovernance(options.random);
  const events = new ErpEventPusher(options.random);
  const suiteql = new SuiteQlRegistry();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/__sandbox/summary', (_req, res) => {
    const orders = Object.values(data.salesOrders);
    res.json({
      salesOrders: orders.length,
      closedSalesOrders: orders.filter((o) => o.lines.length > 0 && o.lines.every((l) => l.isClosed)).length,
      customers: Object.keys(data.customers).length,
      salesOrderWrites: data.salesOrderWrites,
      creditMemos: Object.keys(data.creditMemos).length,
      creditMemoWrites: data.creditMemoWrites,
      governance: { ...governance.settings, stats: governance.stats },
      auth: auth.describe(),
    });
  });
  app.use('/__sandbox', erpControls(governance));
  app.use('/__sandbox', auth.controls());
  app.use(auth.tokenRouter());

  const records = express.Router();
  const requireToken = auth.middleware();
  records.use(requireToken);
  records.use(governance.middleware());
  records.use(express.json({ limit: '10mb' }));

  const controls = express.Router();
  controls.use(express.json({ limit: '50mb' }));
  app.use('/__sandbox', controls);
  const shownPush = () => ({ ...events.settings, token: events.settings.token ? '(set)' : undefined, signingSecret: events.settings.signingSecret ? '(set)' : undefined });
  controls.get('/push', (_req, res) => void res.json({ ...shownPush(), stats: events.stats }));
  controls.put('/push', (req, res) => {
    const parsed = z
      .strictObject({
        url: z.url().nullable(),
        token: z.string().min(1).nullable(),
        signingSecret: z.string().min(1).nullable(),
        batchMax: z.number().int().min(1).max(1000),
        flushMs: z.number().int().min(0).max(60_000),
        dropRate: z.number().min(0).max(1),
      })
      .partial()
      .safeParse(req.body);
    if (!parsed.success)
      return void res.status(400).json({ error: 'invalid control request', reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
    const { url, token: pushToken, signingSecret, ...rest } = parsed.data;
    if (url !== undefined) events.settings.url = url ?? undefined;
    if (pushToken !== undefined) events.settings.token = pushToken ?? undefined;
    if (signingSecret !== undefined) events.settings.signingSecret = signingSecret ?? undefined;
    Object.assign(events.settings, rest);
    res.json(shownPush());
  });
  const ctx: ErpSandboxContext = {
    data,
    now,
    random: options.random ?? Math.random,
    changed,
    events,
    suiteql,
    records,
    controls,
    ensureItem(sku: string): ErpItem {
      const found = data.items.find((i) => i.itemId === sku);
      if (found) return found;
      const item: ErpItem = { id: String(Math.max(5000, ...data.items.map((i) => Number(i.id))) + 1), itemId: sku, externalId: sku, displayName: sku };
      data.items.push(item);
      return item;
    },
    onSalesOrderWritten: [],
    onSalesOrderClosed: [],
  };

  // Sales orders' totals by external id (the repair of ERP totals compares them with BigCommerce's).
  // `foreigntotal` is the transaction's total in its own currency.
  suiteql.register({
    name: 'sales order totals by externalid',
    pattern: /^SELECT t\.externalid, t\.id, t\.foreigntotal FROM transaction t WHERE t\.type = 'SalesOrd' AND t\.externalid IN \(((?:'[^']*'(?:, )?)+)\) ORDER BY t\.id$/,
    rows(m) {
      const wanted = new Set([...m[1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!.replace(/''/g, "'")));
      return Object.values(data.salesOrders)
        .filter((o) => wanted.has(o.externalId))
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((o) => ({ externalid: o.externalId, id: o.id, foreigntotal: salesOrderTotals(o).total }));
    },
  });

  // https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
  const query = express.Router();
  query.use(requireToken);
  query.use(governance.middleware());
  query.use(express.json({ limit: '1mb' }));
  query.post('/suiteql', (req, res) => {
    try {
      res.json(suiteql.answer(req, `${req.protocol}://${req.get('host')}/services/rest/query/v1/suiteql`));
    } catch (err) {
      sendError(res, err);
    }
  });
  app.use('/services/rest/query/v1', query);

  // https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/article_0625010817.html (admin roles: every sandbox role is one)
  const system = express.Router();
  system.use(requireToken);
  system.use(governance.middleware());
  system.get('/governanceLimits', (_req, res) => void res.json(governance.limits()));
  app.use('/services/rest/system/v1', system);

  const location = (req: Request, type: string, id: string) => `${req.protocol}://${req.get('host')}${RECORD_BASE}/${type}/${id}`;

  function findByKey<T extends { id: string; externalId: string }>(all: Record<string, T>, key: string): T | undefined {
    if (key.startsWith('eid:')) {
      const externalId = decodeURIComponent(key.slice(4));
      return Object.values(all).find((r) => r.externalId === externalId);
    }
    return all[key];
  }

  function resolveCustomer(r: { id?: string; externalId?: string }): ErpCustomer {
    const found = Object.values(data.customers).find((c) => (r.id && c.id === r.id) || (r.externalId && c.externalId === r.externalId));
    if (!found) throw new NetSuiteInputError(400, 'Bad Request', 'USER_ERROR', `Invalid Field Value ${r.externalId ?? r.id} for the following field: entity`);
    return found;
  }

  function resolveItem(r: { id?: string; externalId?: string }) {
    const found = data.items.find((i) => (r.id && i.id === r.id) || (r.externalId && i.externalId === r.externalId));
    if (!found) throw new NetSuiteInputError(400, 'Bad Request', 'USER_ERROR', `Invalid Field Value ${r.externalId ?? r.id} for the following field: item`);
    return { id: found.id, externalId: found.externalId, refName: found.itemId };
  }

  function sendError(res: Response, err: unknown): void {
    if (err instanceof NetSuiteInputError) {
      res.status(err.status).json(err.body());
      return;
    }
    throw err;
  }

  // https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156335203191.html (upsert)
  records.put('/salesOrder/:key', (req, res) => {
    const externalId = upsertExternalId(req, res);
    if (externalId === undefined) return;
    const body = parseRecordBody(salesOrderBody, req.body, res);
    if (body === undefined) return;
    if (body.externalId !== undefined && body.externalId !== externalId) {
      res.status(400).json(netSuiteError(400, 'Bad Request', 'The externalId in the body differs from the one in the URL.', 'USER_ERROR'));
      return;
    }
    try {
      const customer = resolveCustomer(body.entity);
      if (body.discountRate !== undefined && body.discountRate !== 0 && !body.discountItem) {
        throw new NetSuiteInputError(400, 'Bad Request', 'USER_ERROR', 'Please enter a value for Discount Item.');
      }
      if (body.discountItem) resolveItem(body.discountItem);
      const lines = body.item.items.map((l, i) => ({
        line: i + 1,
        item: resolveItem(l.item),
        description: l.description,
        quantity: l.quantity,
        rate: l.rate,
        amount: round2(l.amount ?? l.rate * l.quantity),
        custcol_bcsync_line_id: l.custcol_bcsync_line_id,
      }));
      const { entity: _e, item: _i, externalId: _x, ...fields } = body;
      const existing = findByKey(data.salesOrders, String(req.params.key));
      const replace = String(req.query.replace ?? '')
        .split(',')
        .includes('item');
      const t = now();
      const record: ErpSalesOrder = existing ?? {
        id: String(data.nextId++),
        externalId,
        tranId: '',
        entity: { id: customer.id, externalId: customer.externalId, refName: customer.entityId },
        fields: {},
        lines: [],
        createdMs: t,
        modifiedMs: t,
      };
      if (!existing) record.tranId = `SO${record.id}`;
      record.entity = { id: customer.id, externalId: customer.externalId, refName: customer.entityId };
      record.fields = { ...record.fields, ...fields };
      // Without ?replace=item NetSuite adds the request's lines to the sublist instead of replacing it.
      record.lines = replace ? lines : [...record.lines, ...lines.map((l, i) => ({ ...l, line: record.lines.length + i + 1 }))];
      const previousLines = existing ? existing.lines.map((l) => ({ ...l })) : [];
      record.modifiedMs = t;
      data.salesOrders[record.id] = record;
      for (const hook of ctx.onSalesOrderWritten) hook(record, previousLines);
      data.salesOrderWrites[externalId] = (data.salesOrderWrites[externalId] ?? 0) + 1;
      changed();
      res
        .status(204)
        .set('Location', location(req, 'salesOrder', record.id))
        .end();
    } catch (err) {
      sendError(res, err);
    }
  });

  // PATCH changes only what it sends; item lines are addressed by `line`. Closing an order is
  // closing every line (FACTS.md section 2: the status itself is not writable).
  records.patch('/salesOrder/:key', (req, res) => {
    const record = findByKey(data.salesOrders, String(req.params.key));
    if (!record) return recordNotFound(res);
    const parsed = z
      .object({
        item: z.object({ items: z.array(z.object({ line: z.number().int().positive(), isClosed: z.boolean().optional() }).loose()) }).optional(),
        memo: z.string().optional(),
      })
      .loose()
      .safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json(netSuiteError(400, 'Bad Request', parsed.error.issues[0]?.message ?? 'invalid', 'USER_ERROR'));
      return;
    }
    const { item, ...fields } = parsed.data;
    for (const change of item?.items ?? []) {
      const line = record.lines.find((l) => l.line === change.line);
      if (!line) {
        res.status(400).json(netSuiteError(400, 'Bad Request', `Invalid line ${change.line} for the following field: item`, 'USER_ERROR'));
        return;
      }
      if (change.isClosed !== undefined) line.isClosed = change.isClosed;
    }
    if (record.lines.length > 0 && record.lines.every((l) => l.isClosed)) for (const hook of ctx.onSalesOrderClosed) hook(record);
    record.fields = { ...record.fields, ...fields };
    record.modifiedMs = now();
    data.salesOrderWrites[record.externalId] = (data.salesOrderWrites[record.externalId] ?? 0) + 1;
    changed();
    res
      .status(204)
      .set('Location', location(req, 'salesOrder', record.id))
      .end();
  });

  records.get('/salesOrder/:key', (req, res) => {
    const record = findByKey(data.salesOrders, String(req.params.key));
    if (!record) return recordNotFound(res);
    const self = location(req, 'salesOrder', record.id);
    const { subtotal, discountTotal, shippingCost, total } = salesOrderTotals(record);
    const expand = req.query.expandSubResources === 'true';
    res.json({
      links: [{ rel: 'self', href: self }],
      ...record.fields,
      id: record.id,
      externalId: record.externalId,
      tranId: record.tranId,
      entity: record.entity,
      createdDate: new Date(record.createdMs).toISOString(),
      lastModifiedDate: new Date(record.modifiedMs).toISOString(),
      status: record.lines.length > 0 && record.lines.every((l) => l.isClosed) ? { id: 'H', refName: 'Closed' } : { id: 'B', refName: 'Pending Fulfillment' },
      subtotal,
      discountTotal,
      shippingCost,
      total,
      item: expand
        ? { links: [{ rel: 'self', href: `${self}/item` }], count: record.lines.length, items: record.lines, totalResults: record.lines.length }
        : { links: [{ rel: 'self', href: `${self}/item` }] },
    });
  });

  // Credit memos: the refund side. Upsert by external id like sales orders, created from one.
  records.put('/creditMemo/:key', (req, res) => {
    const externalId = upsertExternalId(req, res);
    if (externalId === undefined) return;
    const body = parseRecordBody(creditMemoBody, req.body, res);
    if (body === undefined) return;
    try {
      const customer = resolveCustomer(body.entity);
      const from = Object.values(data.salesOrders).find(
        (o) => (body.createdFrom.id && o.id === body.createdFrom.id) || (body.createdFrom.externalId && o.externalId === body.createdFrom.externalId),
      );
      if (!from)
        throw new NetSuiteInputError(
          400,
          'Bad Request',
          'USER_ERROR',
          `Invalid Field Value ${body.createdFrom.externalId ?? body.createdFrom.id} for the following field: createdFrom`,
        );
      const lines = body.item.items.map((l, i) => ({
        line: i + 1,
        item: resolveItem(l.item),
        description: l.description,
        quantity: l.quantity,
        rate: l.rate,
        amount: round2(l.amount ?? l.rate * l.quantity),
        custcol_bcsync_line_id: l.custcol_bcsync_line_id,
      }));
      const { entity: _e, item: _i, externalId: _x, createdFrom: _c, ...fields } = body;
      const existing = findByKey(data.creditMemos, String(req.params.key));
      const t = now();
      const record: ErpCreditMemo = existing ?? {
        id: String(data.nextId++),
        externalId,
        tranId: '',
        entity: { id: customer.id, externalId: customer.externalId, refName: customer.entityId },
        createdFrom: { id: from.id, externalId: from.externalId, refName: from.tranId },
        fields: {},
        lines: [],
        createdMs: t,
        modifiedMs: t,
      };
      if (!existing) record.tranId = `CM${record.id}`;
      record.fields = { ...record.fields, ...fields };
      const replace = String(req.query.replace ?? '')
        .split(',')
        .includes('item');
      record.lines = replace ? lines : [...record.lines, ...lines.map((l, i) => ({ ...l, line: record.lines.length + i + 1 }))];
      record.modifiedMs = t;
      data.creditMemos[record.id] = record;
      data.creditMemoWrites[externalId] = (data.creditMemoWrites[externalId] ?? 0) + 1;
      changed();
      res
        .status(204)
        .set('Location', location(req, 'creditMemo', record.id))
        .end();
    } catch (err) {
      sendError(res, err);
    }
  });

  records.get('/creditMemo/:key', (req, res) => {
    const record = findByKey(data.creditMemos, String(req.params.key));
    if (!record) return recordNotFound(res);
    const self = location(req, 'creditMemo', record.id);
    const expand = req.query.expandSubResources === 'true';
    res.json({
      links: [{ rel: 'self', href: self }],
      ...record.fields,
      id: record.id,
      externalId: record.externalId,
      tranId: record.tranId,
      entity: record.entity,
      createdFrom: record.createdFrom,
      createdDate: new Date(record.createdMs).toISOString(),
      lastModifiedDate: new Date(record.modifiedMs).toISOString(),
      total: round2(record.lines.reduce((sum, l) => sum + l.amount, 0)),
      item: expand
        ? { links: [{ rel: 'self', href: `${self}/item` }], count: record.lines.length, items: record.lines, totalResults: record.lines.length }
        : { links: [{ rel: 'self', href: `${self}/item` }] },
    });
  });

  // A credit memo nothing was applied to can be deleted: how a booked refund is taken back.
  records.delete('/creditMemo/:key', (req, res) => {
    const record = findByKey(data.creditMemos, String(req.params.key));
    if (!record) return recordNotFound(res);
    delete data.creditMemos[record.id];
    data.creditMemoWrites[record.externalId] = (data.creditMemoWrites[record.externalId] ?? 0) + 1;
    changed();
    res.status(204).end();
  });

  records.put('/customer/:key', (req, res) => {
    const key = String(req.params.key);
    const externalId = upsertExternalId(req, res);
    if (externalId === undefined) return;
    const parsed = customerBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json(netSuiteError(400, 'Bad Request', parsed.error.issues[0]?.message ?? 'invalid', 'USER_ERROR'));
      return;
    }
    const existing = findByKey(data.customers, key);
    const name = parsed.data.companyName || [parsed.data.firstName, parsed.data.lastName].filter(Boolean).join(' ') || externalId;
    const customer: ErpCustomer = existing ?? { id: String(data.nextId++), externalId, entityId: name };
    Object.assign(customer, { companyName: parsed.data.companyName, email: parsed.data.email, entityId: name });
    data.customers[customer.id] = customer;
    changed();
    res
      .status(204)
      .set('Location', location(req, 'customer', customer.id))
      .end();
  });

  records.get('/customer/:key', (req, res) => {
    const customer = findByKey(data.customers, String(req.params.key));
    if (!customer) return recordNotFound(res);
    res.json({ links: [{ rel: 'self', href: location(req, 'customer', customer.id) }], ...customer });
  });

  for (const extend of ERP_EXTENSIONS) extend(ctx);

  records.use((_req, res) => {
    res.status(404).json(netSuiteError(404, 'Not Found', 'Record type or path not supported by the ERP sandbox.', 'INVALID_RCRD_TYPE'));
  });

  app.use(RECORD_BASE, records);
  app.use(((err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status < 500 ? err.status : 500;
    res
      .status(status)
      .json(
        netSuiteError(
          status,
          status === 500 ? 'Internal Server Error' : 'Bad Request',
          err?.type === 'entity.parse.failed' ? 'Invalid JSON in request body.' : String(err?.message),
          status === 500 ? 'UNEXPECTED_ERROR' : 'INVALID_CONTENT',
        ),
      );
  }) as express.ErrorRequestHandler);

  return { app, data, governance, auth, events, stop: () => events.stop() };
}

/** `/__sandbox/settings`, `/__sandbox/outage`, `/__sandbox/faults`: rehearse NetSuite at its worst. */
function erpControls(governance: ErpGovernance): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '50mb' })); // controls seed catalogs and stock in bulk
  const bad = (res: Response, e: z.ZodError) =>
    res.status(400).json({ error: 'invalid control request', reason: e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
  router.get('/settings', (_req, res) => {
    res.json(governance.settings);
  });
  router.put('/settings', (req, res) => {
    const parsed = z
      .strictObject({ concurrencyLimit: z.number().int().min(0), processingMs: z.number().int().min(0).max(60_000), errorRate: z.number().min(0).max(1), outage: z.boolean() })
      .partial()
      .safeParse(req.body);
    if (!parsed.success) return void bad(res, parsed.error);
    Object.assign(governance.settings, parsed.data);
    res.json(governance.settings);
  });
  router.put('/outage', (req, res) => {
    const parsed = z.strictObject({ down: z.boolean() }).safeParse(req.body);
    if (!parsed.success) return void bad(res, parsed.error);
    governance.settings.outage = parsed.data.down;
    res.json({ outage: governance.settings.outage });
  });
  router.get('/faults', (_req, res) => {
    res.json({ faults: governance.faults.list() });
  });
  router.post('/faults', (req, res) => {
    const parsed = z
      .object({
        method: z.string().default('*'),
        path: z.string().min(1),
        status: z.number().int().min(100).max(599).optional(),
        body: z.unknown().optional(),
        latencyMs: z.number().int().min(0).optional(),
        times: z.number().int().positive().optional(),
        rate: z.number().min(0).max(1).optional(),
        lostAnswer: z.boolean().optional(),
      })
      .safeParse(req.body);
    if (!parsed.success) return void bad(res, parsed.error);
    try {
      res.status(201).json(governance.faults.add(parsed.data));
    } catch (err) {
      res.status(400).json({ error: 'invalid control request', reason: (err as Error).message });
    }
  });
  router.delete('/faults', (_req, res) => {
    governance.faults.clear();
    res.status(204).end();
  });
  return router;
}
