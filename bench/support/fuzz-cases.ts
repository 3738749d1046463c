import { createHash, createHmac, randomUUID } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants, deflateSync, gzipSync } from 'node:zlib';
import type { FuzzAnswer, FuzzRequest } from './fuzz-http';

/**
 * The bad inputs of `npm run bench -- fuzz`, family by family, and the valid BigCommerce deliveries
 * they are interleaved with. Each case builds its request when it is sent (timestamps are signed
 * then); a replay sends the exact request of another case again, after that case's answer.
 */

export type Receiver = 'bigcommerce' | 'bigcommerce_exceptions' | 'erp' | 'oms' | 'ops' | 'internal';

export interface FuzzCase {
  family: string;
  receiver: Receiver;
  kind: 'bad' | 'valid';
  /** The request carries valid credentials for its route (so the route may read its body). */
  authenticated: boolean;
  /**
   * An unauthenticated request whose body cannot be parsed or is over a limit: any answer but 401
   * shows the route read (and parsed or inflated) the body before it checked the caller.
   */
  revealsEarlyParse?: boolean;
  /**
   * A 2xx that is not `{accepted:false, ignored}` or `duplicate:true` is allowed for this case only
   * because another witness judges it (OMS notifications whose extra query parameters must be
   * dropped: the OMS proxy's log).
   */
  allow2xx?: string;
  /** The statuses the route documents for it (a different 4xx is reported, not counted). */
  expect: number[];
  /** The valid delivery's order id. */
  orderId?: number;
  build(): FuzzRequest;
  /** Send this case's exact request again, once it has its answer. */
  replayOf?: FuzzCase;
  sent?: FuzzRequest;
  answer?: Promise<FuzzAnswer>;
}

export interface FuzzContext {
  random: () => number;
  storeHash: string;
  storeId: string;
  clientSecret: string;
  customSecret: string;
  erpToken: string;
  erpSigningSecret: string;
  omsToken: string;
  opsToken: string;
  /** A token of OPS_TOKENS scoped to another store. */
  otherStoreOpsToken: string;
  otherStore: string;
  metricsToken: string;
  /** Orders the valid deliveries are for (cross-store ops decisions and unsigned deliveries name them too). */
  validOrderIds: number[];
  /** Origin the API's OMS client uses (the recording proxy). */
  omsOrigin: string;
  /** A server nobody may call (SSRF witness). */
  canaryOrigin: string;
  /** SKUs at ERP location 1 that no order touches, with the ERP's level: forged levels name them. */
  forgedSkus: Array<{ sku: string; level: number }>;
}

// ---- small helpers -----------------------------------------------------------------------------------

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const nowS = () => Math.floor(Date.now() / 1000);
const msgId = () => `msg_${randomUUID().replace(/-/g, '')}`;

/**
 * Standard Webhooks `v1` signature over `{id}.{timestamp}.{body}`, keyed by the secret's bytes: what
 * `new Webhook(base64(secret)).sign()` makes (checked against the library at the bench's start), but
 * for any timestamp text, so malformed and absurd timestamps can be signed correctly too.
 */
export function signV1(secret: string, id: string, timestamp: string, body: Buffer): string {
  return `v1,${createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

function signedHeaders(secret: string, body: Buffer, opts: { id?: string; ts?: string } = {}): Record<string, string> {
  const id = opts.id ?? msgId();
  const ts = opts.ts ?? String(nowS());
  return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signV1(secret, id, ts, body) };
}

/** 20 MB of zeros, compressed: what a gzip bomb is. Built once. */
let bombs: { gzip: Buffer; gzipJson: Buffer; deflate: Buffer; br: Buffer; doubleGzip: Buffer } | undefined;
function bomb() {
  if (!bombs) {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const gzip = gzipSync(zeros);
    const jsonZeros = Buffer.concat([Buffer.from('{"events":[{"sku":"'), Buffer.alloc(20 * 1024 * 1024, 0x30), Buffer.from('"}]}')]);
    bombs = {
      gzip,
      gzipJson: gzipSync(jsonZeros),
      deflate: deflateSync(zeros),
      br: brotliCompressSync(zeros, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } }),
      doubleGzip: gzipSync(gzip),
    };
  }
  return bombs;
}

/** `[[[...]]]` of `depth` levels inside a small object. */
const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

export class CaseFactory {
  constructor(private readonly c: FuzzContext) {}

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.c.random() * (hi - lo + 1));
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.c.random() * xs.length)]!;
  }
  private text(n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.c.random() * alphabet.length)];
    return s;
  }
  /** A valid order id half the time (a bypass would then add a signal to a witnessed workflow), else an unknown one. */
  private someOrderId(): number {
    return this.c.random() < 0.5 ? this.pick(this.c.validOrderIds) : this.int(5_000_000, 9_999_999);
  }

  // ---- BigCommerce -------------------------------------------------------------------------------

  bcEvent(orderId: number, over: Record<string, unknown> = {}): Record<string, unknown> {
    const scope = over.scope ?? 'store/order/created';
    const event = { scope, store_id: this.c.storeId, data: { type: 'order', id: orderId }, created_at: nowS(), producer: `stores/${this.c.storeHash}`, ...over };
    return { hash: createHash('sha1').update(JSON.stringify(event.data)).digest('hex'), ...event };
  }

  private bcPath(receiver: 'bigcommerce' | 'bigcommerce_exceptions'): string {
    return receiver === 'bigcommerce' ? '/webhooks/bigcommerce' : '/webhooks/bigcommerce/exceptions';
  }

  private bcRoute(): 'bigcommerce' | 'bigcommerce_exceptions' {
    return this.c.random() < 0.8 ? 'bigcommerce' : 'bigcommerce_exceptions';
  }

  /** A delivery body for either BigCommerce route, valid-looking. */
  private bcBody(receiver: 'bigcommerce' | 'bigcommerce_exceptions', over: Record<string, unknown> = {}): Buffer {
    if (receiver === 'bigcommerce') return json(this.bcEvent(this.someOrderId(), over));
    return json(
      this.bcEvent(0, {
        scope: 'store/hook/deliveryException',
        data: { type: 'webhook', id: this.int(1, 99), error_code: this.pick([90001, 90002, 90003]), message: '<!channel> down' },
        ...over,
      }),
    );
  }

  /** The valid, signed delivery of one order (and the control's). */
  valid(orderId: number): FuzzCase {
    return {
      family: 'valid',
      receiver: 'bigcommerce',
      kind: 'valid',
      authenticated: true,
      expect: [200],
      orderId,
      build: () => {
        const body = json(this.bcEvent(orderId));
        return {
          method: 'POST',
          path: '/webhooks/bigcommerce',
          headers: { 'content-type': 'application/json', 'x-bcsync-secret': this.c.customSecret, ...signedHeaders(this.c.clientSecret, body) },
          body,
        };
      },
    };
  }

  /** The exact request of `original` again: a duplicate (200 `duplicate:true`, nothing started) for a delivery taken. */
  replay(original: FuzzCase, family: string): FuzzCase {
    return {
      family,
      receiver: original.receiver,
      kind: 'bad',
      authenticated: original.authenticated,
      expect: original.kind === 'valid' ? [200] : original.expect,
      replayOf: original,
      build: () => {
        if (!original.sent) throw new Error('a replay was built before its original was sent');
        return original.sent;
      },
    };
  }

  bcUnsigned(): FuzzCase {
    const receiver = this.bcRoute();
    const variant = this.int(0, 5);
    return {
      family: 'bc.unsigned',
      receiver,
      kind: 'bad',
      authenticated: false,
      revealsEarlyParse: variant >= 4,
      expect: [401],
      build: () => {
        const body = variant === 4 ? Buffer.from(`{"scope":"store/order/created","data":{${this.text(50)}`) : variant === 5 ? Buffer.from(nested(5000)) : this.bcBody(receiver);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (variant === 1) headers['x-bcsync-secret'] = this.c.customSecret; // the header alone, no signature
        if (variant === 2) Object.assign(headers, { 'webhook-id': msgId(), 'webhook-timestamp': String(nowS()) }); // signature missing
        if (variant === 3) headers['webhook-signature'] = signV1(this.c.clientSecret, msgId(), String(nowS()), body); // no id, no timestamp, no custom header
        return { method: 'POST', path: this.bcPath(receiver), headers, body };
      },
    };
  }

  bcWrongCustomHeader(): FuzzCase {
    const receiver = this.bcRoute();
    const variant = this.int(0, 5);
    return {
      family: 'bc.wrong_custom_header',
      receiver,
      kind: 'bad',
      authenticated: false,
      revealsEarlyParse: variant === 5,
      expect: [401],
      build: () => {
        const body = variant === 5 ? Buffer.from('not json at all') : this.bcBody(receiver);
        const secret = [
          `${this.c.customSecret}x`,
          this.c.customSecret.slice(0, -1),
          this.c.customSecret.toUpperCase(),
          this.text(this.int(1, 4000)),
          `${this.c.customSecret},${this.c.customSecret}`, // (leading and trailing blanks are not a variant: HTTP trims them)
          this.text(20),
        ][variant]!;
        // A valid signature: the custom header is a second factor and must be checked on its own.
        return {
          method: 'POST',
          path: this.bcPath(receiver),
          headers: { 'content-type': 'application/json', 'x-bcsync-secret': secret, ...signedHeaders(this.c.clientSecret, body) },
          body,
        };
      },
    };
  }

  bcWrongSignature(): FuzzCase {
    const receiver = this.bcRoute();
    const variant = this.int(0, 10);
    return {
      family: 'bc.wrong_signature',
      receiver,
      kind: 'bad',
      authenticated: false,
      expect: [401],
      build: () => {
        const body = this.bcBody(receiver);
        const id = msgId();
        const ts = String(nowS());
        const good = signV1(this.c.clientSecret, id, ts, body);
        let sig: string;
        let headerId = id;
        let headerTs = ts;
        let sentBody = body;
        switch (variant) {
          case 0:
            sig = signV1(this.text(24), id, ts, body); // another secret
            break;
          case 1:
            sig = good;
            sentBody = this.bcBody(receiver, { created_at: nowS() + 1 }); // the body changed after signing
            break;
          case 2:
            sig = good;
            headerId = msgId(); // signed for another id
            break;
          case 3:
            sig = good;
            headerTs = String(nowS() - 1); // signed for another second
            break;
          case 4:
            sig = `v1,${Buffer.from(this.text(32)).toString('base64')}`;
            break;
          case 5:
            sig = good.replace(/^v1,/, 'v2,');
            break;
          case 6:
            sig = Array.from({ length: 20 }, () => `v1,${Buffer.from(this.text(32)).toString('base64')}`).join(' ');
            break;
          case 7:
            sig = `v1,${createHmac('sha256', Buffer.from(this.c.clientSecret)).update(`${id}.${ts}.`).update(body).digest('hex')}`; // hex, not base64
            break;
          case 8:
            sig = `v1,${createHmac('sha256', Buffer.from(Buffer.from(this.c.clientSecret).toString('base64')))
              .update(`${id}.${ts}.`)
              .update(body)
              .digest('base64')}`; // keyed by the base64 text
            break;
          case 9:
            sig = `${good} ${'v1,'.padEnd(2100, 'A')}`; // over the header's bound
            break;
          default:
            sig = '';
        }
        return {
          method: 'POST',
          path: this.bcPath(receiver),
          headers: { 'content-type': 'application/json', 'x-bcsync-secret': this.c.customSecret, 'webhook-id': headerId, 'webhook-timestamp': headerTs, 'webhook-signature': sig },
          body: sentBody,
        };
      },
    };
  }

  /** Correctly signed, at a time outside the 5-minute window (or not a time at all). */
  bcTimestamp(): FuzzCase {
    const receiver = this.bcRoute();
    const future = this.c.random() < 0.5;
    const variant = this.int(0, 5);
    return {
      family: future ? 'bc.future_timestamp' : 'bc.stale_timestamp',
      receiver,
      kind: 'bad',
      authenticated: false,
      expect: [401],
      build: () => {
        const n = nowS();
        const ts = future
          ? [n + 330, n + 600, n + 86_400, 4_102_444_800, 9_999_999_999, '99999999999999999'][variant]!
          : [n - 301, n - 900, n - 86_400 * 30, 0, -1, 'yesterday'][variant]!;
        const body = this.bcBody(receiver);
        const id = msgId();
        return {
          method: 'POST',
          path: this.bcPath(receiver),
          headers: {
            'content-type': 'application/json',
            'x-bcsync-secret': this.c.customSecret,
            'webhook-id': id,
            'webhook-timestamp': String(ts),
            'webhook-signature': signV1(this.c.clientSecret, id, String(ts), body),
          },
          body,
        };
      },
    };
  }

  /** Over the route's 16 KB, with the custom header (so the body is read: 413) or without it (401). */
  bcOversized(): FuzzCase {
    const receiver = this.bcRoute();
    const withHeader = this.c.random() < 0.75;
    const size = this.pick([16 * 1024 + 1, 20_000, 64 * 1024, 256 * 1024, 1024 * 1024]);
    const chunked = this.c.random() < 0.4 ? 4096 : undefined;
    return {
      family: 'bc.oversized',
      receiver,
      kind: 'bad',
      authenticated: withHeader,
      revealsEarlyParse: !withHeader,
      expect: withHeader ? [413] : [401],
      build: () => {
        const event = this.bcEvent(this.someOrderId());
        // Over the limit whatever the event's own length (a signed event with an extra field would otherwise be valid).
        const body = json({ ...event, pad: 'x'.repeat(size) });
        const headers: Record<string, string> = { 'content-type': 'application/json', ...signedHeaders(this.c.clientSecret, body) };
        if (withHeader) headers['x-bcsync-secret'] = this.c.customSecret;
        return { method: 'POST', path: this.bcPath(receiver), headers, body, chunked };
      },
    };
  }

  /** A compressed body of 20 MB of zeros to any route, with or without its credentials. */
  gzipBomb(receiver: Receiver): FuzzCase {
    const withAuth = this.c.random() < 0.6;
    const encoding = this.pick(['gzip', 'gzip', 'gzip-json', 'deflate', 'br', 'gzip, gzip'] as const);
    // body-parser refuses an encoding it does not know (a stacked one) with 415 before inflating.
    const expectAuthed = encoding === 'gzip, gzip' ? [415] : [413];
    return {
      family: 'gzip_bomb',
      receiver,
      kind: 'bad',
      authenticated: withAuth,
      revealsEarlyParse: !withAuth,
      expect: withAuth ? expectAuthed : [401],
      build: () => {
        const b = bomb();
        const body = encoding === 'gzip-json' ? b.gzipJson : encoding === 'deflate' ? b.deflate : encoding === 'br' ? b.br : encoding === 'gzip, gzip' ? b.doubleGzip : b.gzip;
        const headers: Record<string, string> = { 'content-type': 'application/json', 'content-encoding': encoding === 'gzip-json' ? 'gzip' : encoding };
        return this.withCredentials(receiver, withAuth, headers, body);
      },
    };
  }

  /** Headers and path of `receiver` with its credentials (signed over the bytes sent) or none. */
  private withCredentials(receiver: Receiver, withAuth: boolean, headers: Record<string, string>, body: Buffer): FuzzRequest {
    switch (receiver) {
      case 'bigcommerce':
      case 'bigcommerce_exceptions':
        return {
          method: 'POST',
          path: this.bcPath(receiver),
          headers: { ...headers, ...(withAuth ? { 'x-bcsync-secret': this.c.customSecret, ...signedHeaders(this.c.clientSecret, body) } : {}) },
          body,
        };
      case 'erp':
        return {
          method: 'POST',
          path: '/webhooks/erp',
          headers: { ...headers, ...(withAuth ? { 'x-bcsync-erp-token': this.c.erpToken, ...signedHeaders(this.c.erpSigningSecret, body) } : {}) },
          body,
        };
      case 'oms':
        return { method: 'POST', path: `/webhooks/oms${withAuth ? `?token=${encodeURIComponent(this.c.omsToken)}` : ''}`, headers, body };
      case 'ops':
        return {
          method: 'POST',
          path: this.pick([`/ops/catalog/${this.c.storeHash}/skip`, `/ops/reconcile`, `/ops/orders/${this.c.storeHash}/${this.pick(this.c.validOrderIds)}/skip`]),
          headers: { ...headers, ...(withAuth ? { authorization: `Bearer ${this.c.opsToken}` } : {}) },
          body,
        };
      case 'internal':
        return { method: 'GET', path: '/metrics', headers: { ...headers, ...(withAuth ? { authorization: `Bearer ${this.c.metricsToken}` } : {}) } };
    }
  }

  /** Signed (authenticated), nesting past the parser's bound; or unsigned (401 before reading). */
  bcDeep(): FuzzCase {
    const receiver = this.bcRoute();
    const signed = this.c.random() < 0.7;
    const depth = this.pick([17, 20, 64, 1000, 5000, 7000]);
    return {
      family: 'deep_nesting',
      receiver,
      kind: 'bad',
      authenticated: signed,
      revealsEarlyParse: !signed,
      expect: signed ? [400] : [401],
      build: () => {
        const event = this.bcEvent(this.someOrderId());
        const text = JSON.stringify({ ...event, data: '__D__' }).replace('"__D__"', `{"type":"order","id":1,"x":${nested(depth)}}`);
        const body = Buffer.from(text);
        return this.withCredentials(receiver, signed, { 'content-type': 'application/json' }, body);
      },
    };
  }

  /** Signed deliveries whose fields are out of bounds: 400 naming the field. */
  bcOverlong(): FuzzCase {
    const receiver = this.bcRoute();
    const variant = this.int(0, 13);
    return {
      family: 'overlong_fields',
      receiver,
      kind: 'bad',
      authenticated: true,
      expect: [400],
      build: () => {
        const hex = (n: number) => this.text(n, '0123456789abcdef');
        const over: Record<string, unknown> = [
          { hash: hex(41) },
          { hash: hex(39) },
          { hash: hex(this.int(100, 8000)) },
          { hash: hex(40).toUpperCase() },
          { hash: `${hex(39)}g` },
          { scope: `store/order/${'a'.repeat(this.int(117, 8000))}` },
          { scope: `store/order/created;${this.text(5)}` },
          { store_id: '9'.repeat(this.int(21, 5000)) },
          { producer: `stores/${this.text(this.int(60, 5000))}` },
          { producer: 'stores/../fuzz' },
          { created_at: -1 },
          { created_at: 1.5 },
          { data: { type: 'order', id: this.pick([0, -1, 1.5, '12', null]) } },
          { data: [1, 2, 3] },
        ][variant]!;
        const body = json(receiver === 'bigcommerce' ? this.bcEvent(this.someOrderId(), over) : JSON.parse(this.bcBody(receiver, over).toString()));
        return this.withCredentials(receiver, true, { 'content-type': 'application/json' }, body);
      },
    };
  }

  /**
   * Signed with our store's secret, naming a store we do not sync: 200 `{accepted:false, ignored}`
   * (a store removed from the configuration whose app is still installed signs with the app's
   * shared secret; a 4xx would count against the domain in BigCommerce's blocklist rule).
   */
  bcOtherStore(): FuzzCase {
    const receiver = this.bcRoute();
    return {
      family: 'bc.other_store',
      receiver,
      kind: 'bad',
      authenticated: true,
      expect: [200],
      build: () =>
        this.withCredentials(receiver, true, { 'content-type': 'application/json' }, this.bcBody(receiver, { producer: `stores/${this.c.otherStore}`, store_id: '2002' })),
    };
  }

  /** Signed, well formed, but nothing we act on: 200 `{accepted:false, ignored}` (BigCommerce's 90% rule); a refund event without its refund id: 400. */
  bcUnusable(): FuzzCase {
    const variant = this.int(0, 4);
    const receiver = variant === 4 ? 'bigcommerce_exceptions' : 'bigcommerce';
    return {
      family: 'bc.unusable',
      receiver,
      kind: 'bad',
      authenticated: true,
      // The exceptions route ignores other scopes (200): BigCommerce blocklists domains with too many 4xx.
      expect: variant === 3 ? [400] : [200],
      build: () => {
        const body = json(
          [
            this.bcEvent(0, { scope: 'store/cart/created', data: { type: 'cart', id: this.text(12) } }),
            this.bcEvent(0, { scope: 'store/order/created', data: { type: 'product', id: this.int(1, 999) } }),
            this.bcEvent(0, { scope: 'store/customer/updated', data: { type: 'customer', id: this.int(1, 999) } }),
            this.bcEvent(this.someOrderId(), { scope: 'store/order/refund/created' }), // a refund without its refund id
            this.bcEvent(this.someOrderId()), // an order event to the exceptions route
          ][variant],
        );
        return this.withCredentials(receiver, true, { 'content-type': 'application/json' }, body);
      },
    };
  }

  // ---- ERP ---------------------------------------------------------------------------------------

  private changedAt(offsetMs = 0): string {
    return new Date(Date.now() + offsetMs).toISOString();
  }

  private erpPost(body: Buffer, opts: { token?: string | null; sign?: boolean; headers?: Record<string, string>; ts?: string; secret?: string } = {}): FuzzRequest {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
    const token = opts.token === undefined ? this.c.erpToken : opts.token;
    if (token !== null) headers['x-bcsync-erp-token'] = token;
    if (opts.sign !== false) Object.assign(headers, signedHeaders(opts.secret ?? this.c.erpSigningSecret, body, { ts: opts.ts }));
    return { method: 'POST', path: '/webhooks/erp', headers, body };
  }

  /** A bad event of any kind (each would be rejected on its own). */
  private badErpEvent(): Record<string, unknown> {
    const f = this.pick(this.c.forgedSkus);
    return this.pick([
      () => ({
        type: 'inventory.changed',
        eventId: this.text(12),
        sku: f.sku,
        location: '1',
        quantityOnHand: f.level + 500,
        quantityAvailable: f.level + 500,
        changedAt: '2099-01-01T00:00:00Z',
      }),
      () => ({ type: 'refund.authorized', eventId: this.text(12), recordType: 'cashRefund', recordId: '0123', changedAt: this.changedAt() }),
      () => ({ type: 'item.changed', eventId: this.text(12), sku: 'x'.repeat(256), changedAt: this.changedAt() }),
      () => ({ type: 'inventory.deleted', eventId: this.text(12) }),
      () => ({}),
    ])();
  }

  erpAuth(): FuzzCase {
    const variant = this.int(0, 9);
    const malformed = variant >= 8;
    return {
      family: variant < 4 ? 'erp.no_or_wrong_token' : 'erp.unsigned_or_wrongly_signed',
      receiver: 'erp',
      kind: 'bad',
      authenticated: false,
      revealsEarlyParse: malformed,
      expect: [401],
      build: () => {
        const body = malformed ? Buffer.from(variant === 8 ? `{"events":[${this.text(30)}` : nested(3000)) : json({ events: [this.badErpEvent(), this.forgedLevel()] });
        const id = msgId();
        const ts = String(nowS());
        switch (variant) {
          case 0:
            return this.erpPost(body, { token: null });
          case 1:
            return this.erpPost(body, { token: `${this.c.erpToken}x` });
          case 2:
            return this.erpPost(body, { token: this.text(this.int(1, 3000)) });
          case 3:
            return this.erpPost(body, { token: '' });
          case 4:
            return this.erpPost(body, { sign: false });
          case 5:
            return this.erpPost(body, { secret: this.text(30) });
          case 6:
            return this.erpPost(body, {
              sign: false,
              headers: { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signV1(this.c.erpSigningSecret, id, ts, Buffer.from('{}')) },
            });
          case 7:
            return this.erpPost(body, { sign: false, headers: { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signV1(this.c.clientSecret, id, ts, body) } }); // BigCommerce's key
          default:
            return this.erpPost(body, { token: this.c.random() < 0.5 ? null : 'wrong-token-0123456789' });
        }
      },
    };
  }

  erpTimestamp(): FuzzCase {
    const future = this.c.random() < 0.5;
    const variant = this.int(0, 4);
    return {
      family: future ? 'erp.future_timestamp' : 'erp.stale_timestamp',
      receiver: 'erp',
      kind: 'bad',
      authenticated: false,
      expect: [401],
      build: () => {
        const n = nowS();
        const ts = String(future ? [n + 330, n + 3600, n + 86_400 * 365, 4_102_444_800, 1e12][variant]! : [n - 301, n - 3600, n - 86_400 * 365, 0, 1][variant]!);
        return this.erpPost(json({ events: [this.forgedLevel()] }), { ts });
      },
    };
  }

  /**
   * A signed, valid-looking inventory.changed with a level that is not the ERP's: by default with a
   * change time ahead of the clock (refused), `now` with a plausible one (taken as a hint: the level
   * written must be the ERP's own, which the forged SKUs' levels witness).
   */
  private forgedLevel(now = false): Record<string, unknown> {
    const f = this.pick(this.c.forgedSkus);
    const level = this.pick([f.level + 1000, 0, 999_999_999, f.level + 1, Math.max(0, f.level - 7)]);
    const changedAt = now
      ? this.changedAt(-this.int(0, 120_000))
      : this.pick([
          '2099-01-01T00:00:00Z',
          '2099-12-31T23:59:59.999Z',
          '9999-12-31T23:59:59Z',
          this.changedAt(6 * 60_000),
          this.changedAt(86_400_000),
          '2099-01-01T00:00:00+14:00',
        ]);
    return { type: 'inventory.changed', eventId: `forged-${this.text(10)}`, sku: f.sku, location: '1', quantityOnHand: level, quantityAvailable: level, changedAt };
  }

  /** Forged levels dated now: accepted as hints (202); judged by the forged SKUs' levels, which must stay the ERP's. */
  erpForgedLevelsNow(): FuzzCase {
    const n = this.pick([1, 1, 2, 5, 20]);
    return {
      family: 'erp.forged_level_now',
      receiver: 'erp',
      kind: 'bad',
      authenticated: true,
      expect: [202],
      allow2xx: "the forged SKUs' levels in both sandboxes (BigCommerce's must stay the ERP's)",
      build: () => this.erpPost(json({ events: Array.from({ length: n }, () => this.forgedLevel(true)) })),
    };
  }

  erpForgedLevels(): FuzzCase {
    const n = this.pick([1, 1, 2, 5, 20]);
    return {
      family: 'erp.forged_level',
      receiver: 'erp',
      kind: 'bad',
      authenticated: true,
      expect: [400],
      build: () => this.erpPost(json({ events: Array.from({ length: n }, () => this.forgedLevel()) })),
    };
  }

  erpForgedRefund(): FuzzCase {
    return {
      family: 'erp.forged_refund_id',
      receiver: 'erp',
      kind: 'bad',
      authenticated: true,
      expect: [400],
      build: () => {
        const recordId = this.pick(['0123', '00', '0', '12a', '1'.repeat(30), '9'.repeat(21), '-1', '1e3', ' 12', '12 ', '١٢٣', '12.0', '0x1f', '', 123, null]);
        const recordType = this.pick(['cashRefund', 'returnAuthorization', 'creditMemo', 'cashRefund']);
        return this.erpPost(json({ events: [{ type: 'refund.authorized', eventId: `refund-${this.text(8)}`, recordType, recordId, changedAt: this.changedAt() }] }));
      },
    };
  }

  erpOverlong(): FuzzCase {
    const variant = this.int(0, 9);
    return {
      family: 'overlong_fields',
      receiver: 'erp',
      kind: 'bad',
      authenticated: true,
      expect: [400],
      build: () => {
        const f = this.pick(this.c.forgedSkus);
        const inv = {
          type: 'inventory.changed',
          eventId: this.text(12),
          sku: f.sku,
          location: '1',
          quantityOnHand: f.level,
          quantityAvailable: f.level,
          changedAt: this.changedAt(),
        };
        const event: Record<string, unknown> = [
          { ...inv, sku: 'S'.repeat(this.pick([256, 1000, 100_000])) },
          { ...inv, eventId: 'e'.repeat(this.pick([129, 5000])) },
          { ...inv, location: 'L'.repeat(65) },
          { type: 'refund.authorized', eventId: this.text(8), recordType: 'R'.repeat(65), recordId: '123', changedAt: this.changedAt() },
          { type: 'item.changed', eventId: this.text(8), sku: 'I'.repeat(this.pick([256, 50_000])), changedAt: this.changedAt() },
          { ...inv, changedAt: this.pick(['yesterday', '2026-13-01T00:00:00Z', 1767225600000, '']) },
          { ...inv, quantityOnHand: this.pick([1e10, 1.5, 'ten', -1e10]) },
          { ...inv, sku: '' },
          { ...inv, eventId: '' },
          { ...inv, type: 'inventory.changed '.repeat(50) },
        ][variant]!;
        return this.erpPost(json({ events: [event] }));
      },
    };
  }

  erpHugeArray(elements: 1001 | 700_000): FuzzCase {
    const chunked = elements === 700_000 && this.c.random() < 0.5 ? 64 * 1024 : undefined;
    return {
      family: `erp.huge_array_${elements}`,
      receiver: 'erp',
      kind: 'bad',
      authenticated: true,
      expect: elements === 1001 ? [400] : [413],
      build: () => {
        const body =
          elements === 1001
            ? json({ events: Array.from({ length: 1001 }, () => ({ type: 'item.changed', eventId: this.text(6), sku: 'A', changedAt: '2099-01-01T00:00:00Z' })) })
            : Buffer.from(`{"events":[${'{},'.repeat(elements - 1)}{}]}`);
        return { ...this.erpPost(body), chunked };
      },
    };
  }

  erpOversized(): FuzzCase {
    const size = this.pick([512 * 1024 + 1, 600 * 1024, 1024 * 1024, 2 * 1024 * 1024]);
    return {
      family: 'erp.oversized',
      receiver: 'erp',
      kind: 'bad',
      authenticated: true,
      expect: [413],
      build: () => ({ ...this.erpPost(json({ events: [this.forgedLevel()], pad: 'p'.repeat(size) })), chunked: this.c.random() < 0.5 ? 32 * 1024 : undefined }),
    };
  }

  erpDeep(): FuzzCase {
    const depth = this.pick([17, 100, 10_000, 60_000]);
    return {
      family: 'deep_nesting',
      receiver: 'erp',
      kind: 'bad',
      authenticated: true,
      expect: [400],
      build: () => this.erpPost(Buffer.from(`{"events":[${nested(depth, '{"a":', '}').replace(/\{"a":\}/, '{"a":1}')}]}`)),
    };
  }

  erpWrongShape(): FuzzCase {
    return {
      family: 'erp.wrong_shape',
      receiver: 'erp',
      kind: 'bad',
      authenticated: true,
      expect: [400],
      build: () =>
        this.erpPost(
          Buffer.from(
            this.pick([
              '[]',
              '{}',
              '{"events":[]}',
              '{"events":{}}',
              'null',
              '"x"',
              '{"events":"a"}',
              '',
              ' ',
              '{"events":[null]}',
              '{"events":[1,2,3]}',
              '\u0000',
              '{"events":[{}],}',
            ]),
          ),
        ),
    };
  }

  /** A signed batch the route refused, sent again byte for byte: refused again, nothing taken. */
  erpReplayPair(): FuzzCase[] {
    const original: FuzzCase = { ...this.erpForgedLevels(), family: 'erp.replay' };
    return [original, this.replay(original, 'erp.replay')];
  }

  // ---- OMS -----------------------------------------------------------------------------------------

  private omsNotice(resourceUrl: unknown, resourceType: unknown = 'SHIP_NOTIFY'): Buffer {
    return json({ resource_url: resourceUrl, resource_type: resourceType });
  }

  omsAuth(): FuzzCase {
    const variant = this.int(0, 8);
    const malformed = variant >= 6;
    return {
      family: 'oms.no_or_wrong_token',
      receiver: 'oms',
      kind: 'bad',
      authenticated: false,
      revealsEarlyParse: malformed,
      expect: [401],
      build: () => {
        const body = malformed
          ? variant === 6
            ? Buffer.from(`{"resource_url": ${this.text(20)}`)
            : variant === 7
              ? Buffer.from(`{"resource_url":"${'u'.repeat(70 * 1024)}"}`)
              : Buffer.from(nested(20_000))
          : this.omsNotice(`${this.c.omsOrigin}/shipments?batchId=${this.int(1, 99)}`);
        const token = [undefined, `${this.c.omsToken}x`, this.text(this.int(1, 2000)), '', this.c.omsToken.toUpperCase(), undefined][variant % 6];
        const query =
          variant === 5
            ? `?token=${encodeURIComponent(this.c.omsToken)}&token=${encodeURIComponent(this.c.omsToken)}`
            : token === undefined
              ? ''
              : `?token=${encodeURIComponent(token)}`;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (variant === 0) headers['x-token'] = this.c.omsToken; // in a header instead of the URL
        return { method: 'POST', path: `/webhooks/oms${query}`, headers, body };
      },
    };
  }

  /** SSRF shapes of resource_url, with the right token: 400, nothing read anywhere. */
  omsSsrf(): FuzzCase {
    return {
      family: 'oms.ssrf_resource_url',
      receiver: 'oms',
      kind: 'bad',
      authenticated: true,
      expect: [400],
      build: () => {
        const oms = new URL(this.c.omsOrigin);
        const b = this.int(1, 999_999);
        const url = this.pick([
          `${this.c.canaryOrigin}/shipments?batchId=${b}`,
          `${this.c.canaryOrigin}/?batchId=${b}`,
          `http://169.254.169.254/latest/meta-data/iam/security-credentials/?batchId=${b}`,
          `http://169.254.169.254/shipments?batchId=${b}`,
          `file:///etc/passwd?batchId=${b}`,
          `http://user:pass@${oms.host}/shipments?batchId=${b}`,
          `http://${oms.username || 'admin'}@${oms.host}/shipments?batchId=${b}`,
          `http://localhost:${oms.port}/shipments?batchId=${b}`,
          `http://[::1]:${oms.port}/shipments?batchId=${b}`,
          `https://${oms.host}/shipments?batchId=${b}`,
          `${this.c.omsOrigin}/orders?batchId=${b}`,
          `${this.c.omsOrigin}/shipments/../orders?batchId=${b}`,
          `${this.c.omsOrigin}/shipments/${b}`,
          `${this.c.omsOrigin}/shipmentsX?batchId=${b}`,
          `${this.c.omsOrigin}//shipments?batchId=${b}`,
          `${this.c.omsOrigin}/shipments`,
          `${this.c.omsOrigin}/shipments?batchId=${b}&batchId=${b + 1}`,
          `${this.c.omsOrigin}/shipments?batchId=${b}&BatchID=${b}`,
          `${this.c.omsOrigin}/shipments?batchId=abc`,
          `${this.c.omsOrigin}/shipments?batchId=-1`,
          `${this.c.omsOrigin}/shipments?batchId=1e3`,
          `${this.c.omsOrigin}/shipments?batchId=${'9'.repeat(16)}`,
          `gopher://${oms.host}/_GET%20/shipments?batchId=${b}`,
          `javascript:alert(1)//?batchId=${b}`,
          `data:application/json,{"shipments":[]}?batchId=${b}`,
          `${this.c.canaryOrigin}@${oms.host}/shipments?batchId=${b}`,
          `${this.c.omsOrigin}.evil.example/shipments?batchId=${b}`,
          `shipments?batchId=${b}`,
          `//${oms.host}/shipments?batchId=${b}`,
        ]);
        return { method: 'POST', path: `/webhooks/oms?token=${encodeURIComponent(this.c.omsToken)}`, headers: { 'content-type': 'application/json' }, body: this.omsNotice(url) };
      },
    };
  }

  /**
   * The documented URL with a caller's extra parameters (`shipDateStart=2000-01-01` walks every
   * shipment): the route drops them and reads the batch once. Its 2xx is judged by the OMS proxy's
   * log: only `batchId`, `includeShipmentItems`, `page`, `pageSize` may reach the OMS, and each
   * batch at most one read.
   */
  omsExtraParams(): FuzzCase {
    return {
      family: 'oms.extra_params',
      receiver: 'oms',
      kind: 'bad',
      authenticated: true,
      allow2xx: 'extra parameters dropped (judged by the OMS proxy log)',
      expect: [200],
      build: () => {
        const b = this.pick(OMS_EXTRA_PARAM_BATCHES);
        const extra = this.pick([
          'shipDateStart=2000-01-01',
          'pageSize=500&page=7',
          'includeShipmentItems=false',
          'storeID=5',
          'shipDateStart=2000-01-01&shipDateEnd=2100-01-01&pageSize=500',
          `sortBy=ShipDate&x=${this.text(200)}`,
        ]);
        return {
          method: 'POST',
          path: `/webhooks/oms?token=${encodeURIComponent(this.c.omsToken)}`,
          headers: { 'content-type': 'application/json' },
          body: this.omsNotice(`${this.c.omsOrigin}/shipments?batchId=${b}&${extra}`),
        };
      },
    };
  }

  omsMalformed(): FuzzCase {
    const variant = this.int(0, 7);
    return {
      family: 'oms.malformed',
      receiver: 'oms',
      kind: 'bad',
      authenticated: true,
      expect: variant === 5 ? [413] : variant === 6 ? [200] : variant === 7 ? [200, 400] : [400],
      build: () => {
        const body = [
          Buffer.from('resource_url=x'),
          this.omsNotice(123),
          this.omsNotice(['a', 'b']),
          json({ resource_type: 'SHIP_NOTIFY' }),
          Buffer.from(`{"resource_url":${nested(this.pick([1000, 10_000]), '{"a":', '}').replace(/\{"a":\}/, '{"a":1}')}}`),
          this.omsNotice(`${this.c.omsOrigin}/shipments?batchId=1&pad=${'p'.repeat(70 * 1024)}`),
          this.omsNotice(`${this.c.omsOrigin}/shipments?batchId=1`, this.pick(['ORDER_NOTIFY', 'ITEM_ORDER_NOTIFY', 'FULFILLMENT_SHIPPED'])),
          this.omsNotice(`${this.c.omsOrigin}/shipments?batchId=1`, 'x'.repeat(1000)),
        ][variant]!;
        return {
          method: 'POST',
          path: `/webhooks/oms?token=${encodeURIComponent(this.c.omsToken)}`,
          headers: { 'content-type': this.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']) },
          body,
        };
      },
    };
  }

  // ---- ops API ---------------------------------------------------------------------------------------

  /** Every ops route, with a body that would act if it were taken (a skip of every parked item, a reconcile, a skip of a valid order). */
  private opsRoute(): { method: 'GET' | 'POST'; path: string; body?: Buffer } {
    const s = this.c.storeHash;
    const id = this.pick(this.c.validOrderIds);
    return this.pick([
      () => ({ method: 'GET' as const, path: `/ops/attention?store=${s}&details=1` }),
      () => ({ method: 'GET' as const, path: `/ops/attention` }),
      () => ({ method: 'POST' as const, path: `/ops/orders/${s}/${id}/${this.pick(['skip', 'retry', 'resolve'])}`, body: json({ note: 'fuzz' }) }),
      () => ({ method: 'POST' as const, path: `/ops/catalog/${s}/${this.pick(['skip', 'retry'])}`, body: json({}) }),
      () => ({ method: 'POST' as const, path: `/ops/reconcile`, body: json({ store: s, since: new Date(Date.now() - 3_600_000).toISOString() }) }),
    ])();
  }

  opsAuth(): FuzzCase {
    const variant = this.int(0, 8);
    const malformed = variant >= 7;
    return {
      family: 'ops.no_or_wrong_token',
      receiver: 'ops',
      kind: 'bad',
      authenticated: false,
      revealsEarlyParse: malformed,
      expect: [401],
      build: () => {
        const route = this.opsRoute();
        const auth = [
          undefined,
          'Bearer wrong-token-0123456789',
          `Bearer ${this.c.opsToken}x`,
          `bearer ${this.c.opsToken}`,
          `Basic ${Buffer.from(`ops:${this.c.opsToken}`).toString('base64')}`,
          `Bearer  ${this.c.opsToken}`,
          `Bearer ${this.text(this.int(1, 3000))}`,
          undefined,
          'Bearer nope',
        ][variant];
        const headers: Record<string, string> = {};
        if (auth !== undefined) headers.authorization = auth;
        let body = route.method === 'POST' ? route.body : undefined;
        if (malformed) {
          body = variant === 7 ? Buffer.from(`{"skus":[${this.text(10)}`) : Buffer.from(`{"pad":"${'p'.repeat(200 * 1024)}"}`);
          headers['content-type'] = 'application/json';
          return { method: 'POST', path: `/ops/catalog/${this.c.storeHash}/skip`, headers, body };
        }
        if (body) headers['content-type'] = 'application/json';
        const path = variant === 0 && this.c.random() < 0.5 ? `${route.path}${route.path.includes('?') ? '&' : '?'}token=${encodeURIComponent(this.c.opsToken)}` : route.path;
        return { method: route.method, path, headers, body };
      },
    };
  }

  /** A token of OPS_TOKENS scoped to another store, on every route for this store: 403. */
  opsCrossStore(): FuzzCase {
    return {
      family: 'ops.cross_store_token',
      receiver: 'ops',
      kind: 'bad',
      authenticated: true,
      expect: [403],
      build: () => {
        const s = this.c.storeHash;
        const id = this.pick(this.c.validOrderIds);
        const route = this.pick([
          { method: 'GET' as const, path: `/ops/attention?store=${s}` },
          { method: 'GET' as const, path: `/ops/attention?store=${s}&details=1` },
          { method: 'POST' as const, path: `/ops/orders/${s}/${id}/skip`, body: json({}) },
          { method: 'POST' as const, path: `/ops/orders/${s}/${id}/resolve`, body: json({ note: 'not yours' }) },
          { method: 'POST' as const, path: `/ops/orders/${s}/${id}/retry`, body: json({ skuMap: { A: 'B' } }) },
          { method: 'POST' as const, path: `/ops/catalog/${s}/skip`, body: json({}) },
          { method: 'POST' as const, path: `/ops/catalog/${s}/retry`, body: json({ skus: ['A'] }) },
          { method: 'POST' as const, path: `/ops/reconcile`, body: json({ store: s }) },
        ]);
        const headers: Record<string, string> = { authorization: `Bearer ${this.c.otherStoreOpsToken}` };
        if (route.method === 'POST') headers['content-type'] = 'application/json';
        return { method: route.method, path: route.path, headers, body: 'body' in route ? route.body : undefined };
      },
    };
  }

  /** The full token, a body that is not JSON: 415 before anything parses it (a text/plain skip once skipped every parked item). */
  opsWrongContentType(): FuzzCase {
    return {
      family: 'ops.wrong_content_type',
      receiver: 'ops',
      kind: 'bad',
      authenticated: true,
      expect: [415],
      build: () => {
        const s = this.c.storeHash;
        const path = this.pick([
          `/ops/catalog/${s}/skip`,
          `/ops/catalog/${s}/skip`,
          `/ops/catalog/${s}/retry`,
          `/ops/orders/${s}/${this.pick(this.c.validOrderIds)}/skip`,
          `/ops/orders/${s}/${this.pick(this.c.validOrderIds)}/resolve`,
          `/ops/reconcile`,
        ]);
        const [type, body] = this.pick<[string | undefined, string]>([
          ['text/plain', '{}'],
          ['text/plain', 'skip everything'],
          ['text/plain', ''],
          ['application/x-www-form-urlencoded', 'skus=A&note=x'],
          ['application/xml', '<skip/>'],
          ['text/json', '{}'],
          ['application/json-patch+json', '[]'],
          ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="skus"\r\n\r\nA\r\n--x--'],
          [undefined, '{}'],
          ['application/jsonx', '{}'],
          ['text/plain; charset=utf-8', `{"store":"${s}"}`],
        ]);
        const headers: Record<string, string> = { authorization: `Bearer ${this.c.opsToken}` };
        if (type !== undefined) headers['content-type'] = type;
        return { method: 'POST', path, headers, body: Buffer.from(body) };
      },
    };
  }

  /** The full token, JSON, but out of bounds: 400/404 with the reason, nothing decided. */
  opsBadParams(): FuzzCase {
    const variant = this.int(0, 13);
    return {
      family: 'ops.bad_params',
      receiver: 'ops',
      kind: 'bad',
      authenticated: true,
      expect: [400, 404],
      build: () => {
        const s = this.c.storeHash;
        const id = this.pick(this.c.validOrderIds);
        const day = 86_400_000;
        const r: [string, string, unknown?] = [
          ['GET', `/ops/attention?limit=${this.pick(['0', '501', 'abc', '-1', '1e9'])}`],
          ['GET', `/ops/attention?store=${encodeURIComponent(this.pick(['FUZZ', '../x', '', 'a b', 'x'.repeat(3000)]))}`],
          ['GET', `/ops/attention?details=2`],
          ['POST', `/ops/reconcile`, { store: s, since: '1970-01-01T00:00:00Z' }],
          ['POST', `/ops/reconcile`, { store: s, since: new Date(Date.now() - 31 * day).toISOString() }],
          ['POST', `/ops/reconcile`, { store: s, since: new Date(Date.now() + day).toISOString() }],
          ['POST', `/ops/reconcile`, { store: s, since: this.pick(['yesterday', '', 12345]) }],
          ['POST', `/ops/reconcile`, { store: s, extra: true }],
          ['POST', `/ops/orders/${s}/${id}/skip`, { note: 'n'.repeat(501) }],
          ['POST', `/ops/orders/${s}/${id}/skip`, { skuMap: { A: 'B' } }],
          ['POST', `/ops/orders/${s}/${id}/${this.pick(['delete', 'SKIP', 'skip/extra'])}`, {}],
          ['POST', `/ops/orders/${s}/${this.pick(['0', '-1', 'abc', '1.5', '9'.repeat(400)])}/skip`, {}],
          ['POST', `/ops/catalog/${s}/skip`, { skus: this.pick([[], Array.from({ length: 501 }, (_, i) => `S${i}`), ['x'.repeat(256)], [''], 'A']) }],
          ['POST', `/ops/catalog/${s}/skip`, { skus: ['A'], everything: true }],
        ][variant]! as [string, string, unknown?];
        const headers: Record<string, string> = { authorization: `Bearer ${this.c.opsToken}` };
        if (r[0] === 'POST') headers['content-type'] = 'application/json';
        return { method: r[0] as 'GET' | 'POST', path: r[1], headers, body: r[0] === 'POST' ? json(r[2]) : undefined };
      },
    };
  }

  /** `/metrics` and `/readyz` without METRICS_TOKEN: 401. */
  internal(): FuzzCase {
    return {
      family: 'internal.no_or_wrong_token',
      receiver: 'internal',
      kind: 'bad',
      authenticated: false,
      expect: [401],
      build: () => {
        const auth = this.pick([undefined, 'Bearer wrong-metrics-token', `Bearer ${this.c.opsToken}`, `Basic ${Buffer.from(`x:${this.c.metricsToken}`).toString('base64')}`]);
        const headers: Record<string, string> = auth ? { authorization: auth } : {};
        return { method: 'GET', path: this.pick(['/metrics', '/readyz', '/metrics?token=x']), headers };
      },
    };
  }
}

/** Batch ids the extra-parameter notifications name (none exists in the OMS; each may be read at most once). */
export const OMS_EXTRA_PARAM_BATCHES = [910_001, 910_002, 910_003, 910_004, 910_005];

/** How many of each family (times FUZZ_SCALE): at least 10,000 bad inputs in all. */
export function badCases(f: CaseFactory, scale: number): FuzzCase[] {
  const plan: Array<[number, () => FuzzCase | FuzzCase[]]> = [
    [700, () => f.bcUnsigned()],
    [350, () => f.bcWrongCustomHeader()],
    [1000, () => f.bcWrongSignature()],
    [700, () => f.bcTimestamp()],
    [250, () => f.bcOversized()],
    [400, () => f.bcDeep()],
    [650, () => f.bcOverlong()],
    [120, () => f.bcOtherStore()],
    [200, () => f.bcUnusable()],
    [150, () => f.gzipBomb('bigcommerce')],
    [60, () => f.gzipBomb('bigcommerce_exceptions')],
    [700, () => f.erpAuth()],
    [350, () => f.erpTimestamp()],
    [400, () => f.erpForgedLevels()],
    [300, () => f.erpForgedLevelsNow()],
    [550, () => f.erpForgedRefund()],
    [500, () => f.erpOverlong()],
    [80, () => f.erpHugeArray(1001)],
    [12, () => f.erpHugeArray(700_000)],
    [40, () => f.erpOversized()],
    [150, () => f.erpDeep()],
    [150, () => f.erpWrongShape()],
    [60, () => f.erpReplayPair()],
    [150, () => f.gzipBomb('erp')],
    [600, () => f.omsAuth()],
    [700, () => f.omsSsrf()],
    [150, () => f.omsExtraParams()],
    [250, () => f.omsMalformed()],
    [100, () => f.gzipBomb('oms')],
    [700, () => f.opsAuth()],
    [450, () => f.opsCrossStore()],
    [450, () => f.opsWrongContentType()],
    [350, () => f.opsBadParams()],
    [100, () => f.gzipBomb('ops')],
    [120, () => f.internal()],
  ];
  const out: FuzzCase[] = [];
  for (const [n, make] of plan) for (let i = 0; i < Math.max(1, Math.round(n * scale)); i++) out.push(...[make()].flat());
  return out;
}
