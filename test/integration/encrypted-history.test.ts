import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CodecConfig, startCodecServer } from '../../api/codec/codec-server';
import { findTemporalBinary } from '../../cli/temporal-binary';
import { codecSettings } from '../../config/codec';
import { BcErrorType, BcSyncStatus } from '../../domain/shared/search-attributes';
import type { Json } from '../support/json';
import { type KnownCustomer, knownCustomer, orderFor } from '../support/known-customer';
import { logger } from '../support/setup';
import { eventually, startStack, type Stack } from '../support/stack';

/**
 * Issue 18's first must-show: what Temporal stores of an order is ciphertext. The raw history, as
 * the real `temporal` CLI prints it without a codec, holds none of the customer's email, names,
 * phone or streets, in clear or inside any base64 field; through the codec server (the CLI's
 * `--codec-endpoint`) the same history decodes to them. The codec server refuses a wrong token.
 */

const run = promisify(execFile);
const temporal = findTemporalBinary();
if (temporal.type !== 'existing-path') throw new Error('these tests read histories with the `temporal` CLI: put it on PATH or set TEMPORAL_CLI_PATH');
const TEMPORAL_CLI = temporal.path;

const CLI_TOKEN = `cli-${randomBytes(18).toString('base64url')}`;
const UI_TOKEN = `ui-${randomBytes(18).toString('base64url')}`;
const UI_ORIGIN = 'http://127.0.0.1:8233';

let stack: Stack;
let codec: { url: string; close(): Promise<void> };

beforeAll(async () => {
  stack = await startStack();
  const parsed = codecSettings.parse({ CODEC_TOKENS: `cli=${CLI_TOKEN},ui=${UI_TOKEN}`, CODEC_CORS_ORIGINS: UI_ORIGIN });
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  const codecConfig: CodecConfig = parsed.value;
  codec = await startCodecServer(stack.config.temporal, codecConfig, { logger, host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await codec?.close();
  await stack?.close();
});

/** The values to look for: each as written, and the phone also as digits only (a normalised copy would leak too). */
const needles = (c: KnownCustomer): Record<string, string> => ({
  email: c.email,
  firstName: c.firstName,
  lastName: c.lastName,
  phone: c.phone,
  phoneDigits: c.phone.replace(/\D/g, ''),
  billingStreet: c.billingStreet,
  shippingStreet: c.shippingStreet,
});

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Every place a needle occurs in `json`: any string in clear, and any string that decodes as base64
 * (payload `data` and metadata, failure attributes, search attributes, memo, summaries: the walk
 * does not pick fields), and JSON found inside decoded text, walked again.
 */
function findValues(json: unknown, values: Record<string, string>, where = '$', seen: string[] = []): string[] {
  const check = (text: string, at: string) => {
    const lower = text.toLowerCase();
    for (const [name, value] of Object.entries(values)) if (lower.includes(value.toLowerCase())) seen.push(`${name} at ${at}`);
  };
  if (typeof json === 'string') {
    check(json, where);
    if (json.length >= 8 && BASE64.test(json)) {
      const decoded = Buffer.from(json, json.includes('-') || json.includes('_') ? 'base64url' : 'base64').toString('utf8');
      check(decoded, `${where} (base64)`);
      try {
        const inner: unknown = JSON.parse(decoded);
        if (typeof inner === 'object' && inner !== null) findValues(inner, values, `${where} (base64 json)`, seen);
      } catch {
        // not JSON: checked as text above
      }
    }
  } else if (Array.isArray(json)) {
    json.forEach((v, i) => void findValues(v, values, `${where}[${i}]`, seen));
  } else if (typeof json === 'object' && json !== null) {
    for (const [k, v] of Object.entries(json)) {
      check(k, `${where} (key ${k})`);
      findValues(v, values, `${where}.${k}`, seen);
    }
  }
  return seen;
}

/** The real CLI, with no profile or TEMPORAL_* variable of the machine in the way. */
async function cli(args: string[]): Promise<{ text: string; json: Json }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  const { stdout } = await run(TEMPORAL_CLI, [...args, '--address', inject('temporalAddress'), '--namespace', stack.config.temporal.namespace, '-o', 'json'], {
    env: { ...env, TEMPORAL_CONFIG_FILE: '/dev/null' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { text: stdout, json: JSON.parse(stdout) };
}

const withCodec = (token: string) => ['--codec-endpoint', codec.url, '--codec-auth', `Bearer ${token}`];

/** Every payload object ({metadata, data}) in the CLI's JSON, with where it is. */
function payloads(json: unknown, where = '$', out: Array<{ where: string; payload: Json }> = []): Array<{ where: string; payload: Json }> {
  if (Array.isArray(json)) json.forEach((v, i) => void payloads(v, `${where}[${i}]`, out));
  else if (typeof json === 'object' && json !== null) {
    const o = json as Json;
    if (typeof o.metadata === 'object' && o.metadata !== null && typeof o.metadata.encoding === 'string') out.push({ where, payload: o });
    for (const [k, v] of Object.entries(o)) payloads(v, `${where}.${k}`, out);
  }
  return out;
}
const encodingOf = (p: Json) => Buffer.from(String(p.metadata.encoding), 'base64').toString('utf8');

async function syncedOrder(c: KnownCustomer): Promise<string> {
  const order = await stack.createOrder(orderFor(c));
  const workflowId = `order:${stack.storeHash}:${order.id}`;
  await eventually(
    async () => ((await stack.client.workflow.getHandle(workflowId).describe()).typedSearchAttributes.get(BcSyncStatus) === 'Synced' ? true : undefined),
    `${workflowId} Synced`,
    30_000,
  );
  return workflowId;
}

describe('an order in Temporal is ciphertext without the codec server and clear text through it', () => {
  const c = knownCustomer();
  let workflowId: string;

  it("the raw history and description (the CLI's JSON, no codec) hold none of the customer's values, anywhere", async () => {
    workflowId = await syncedOrder(c);
    const shown = await cli(['workflow', 'show', '-w', workflowId]);
    const described = await cli(['workflow', 'describe', '-w', workflowId]);
    // Not vacuous: the history has the fetch, the ERP write, the events; its payloads are ours, encrypted.
    const events: Json[] = shown.json.events;
    expect(events.length).toBeGreaterThan(10);
    const all = payloads(shown.json);
    expect(all.length).toBeGreaterThan(5);
    // Everything is encrypted but what Temporal must read: search attributes (how ops find an order,
    // checked below for personal data like the rest), and the SDK's own patch markers ({id, deprecated}).
    const clear = all.filter(({ payload }) => encodingOf(payload) !== 'binary/encrypted');
    expect(
      clear.filter(
        ({ where }) => !/\.searchAttributes\.indexedFields\.(Bc\w+|TemporalChangeVersion)$|\.markerRecordedEventAttributes\.details\.patch-data\.payloads\[\d+\]$/.test(where),
      ),
    ).toEqual([]);
    expect(all.filter(({ payload }) => encodingOf(payload) === 'binary/encrypted').length).toBeGreaterThan(5);
    // Search attributes stay readable (they are how ops find an order) and carry no personal data.
    expect(described.text).toContain(stack.storeHash);
    expect(findValues(shown.json, needles(c))).toEqual([]);
    expect(findValues(described.json, needles(c))).toEqual([]);
    for (const value of Object.values(needles(c))) {
      expect(shown.text.toLowerCase()).not.toContain(value.toLowerCase());
      expect(described.text.toLowerCase()).not.toContain(value.toLowerCase());
    }
  });

  it('the same history through the codec server (--codec-endpoint, --codec-auth) shows every value', async () => {
    const decoded = await cli(['workflow', 'show', '-w', workflowId, ...withCodec(CLI_TOKEN)]);
    const found = findValues(decoded.json, needles(c));
    for (const name of ['email', 'firstName', 'lastName', 'phone', 'billingStreet', 'shippingStreet'])
      expect(
        found.some((f) => f.startsWith(`${name} at`)),
        `${name} in the decoded history`,
      ).toBe(true);
    expect(payloads(decoded.json).map(({ payload }) => encodingOf(payload))).not.toContain('binary/encrypted');
  });

  it('a wrong token decodes nothing through the CLI: it fails rather than print ciphertext as data', async () => {
    // The CLI gives up on a codec that answers 401 only at its deadline: a short one keeps this quick.
    const failed = await cli(['workflow', 'show', '-w', workflowId, '--command-timeout', '5s', ...withCodec(`wrong-${CLI_TOKEN}`)]).then(
      () => undefined,
      (err: Error & { stdout?: string }) => err,
    );
    expect(failed).toBeInstanceOf(Error);
    expect(findValues(`${failed?.message}\n${failed?.stdout ?? ''}`, needles(c))).toEqual([]);
  });
});

describe('the codec server answers only its tokens and only the configured browser origin', () => {
  let encrypted: Json;
  beforeAll(async () => {
    const c = knownCustomer();
    const workflowId = await syncedOrder(c);
    const started = (await cli(['workflow', 'show', '-w', workflowId])).json.events[0];
    encrypted = { payloads: started.workflowExecutionStartedEventAttributes.input.payloads };
    expect(encrypted.payloads.length).toBe(1);
  });

  const decode = (path: string, headers: Record<string, string>) =>
    fetch(`${codec.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(encrypted) });
  const decodedInput = async (res: Response) => {
    const body = (await res.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    const p = body.payloads[0]!;
    return { encoding: Buffer.from(p.metadata.encoding!, 'base64').toString('utf8'), value: JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')) as Json };
  };

  it('401 for a wrong token and for none, in the header or in the path', async () => {
    for (const res of [
      await decode('/decode', { authorization: `Bearer ${CLI_TOKEN}x` }),
      await decode('/decode', { authorization: 'Bearer ' }),
      await decode('/decode', {}),
      await decode(`/t/${UI_TOKEN}x/decode`, {}),
      await decode(`/t/${CLI_TOKEN.slice(0, -1)}/decode`, {}),
    ]) {
      expect(res.status).toBe(401);
      expect(JSON.stringify(await res.json())).not.toContain(stack.storeHash);
    }
  });

  it('decodes with a bearer token, and with a token in the path (how the Web UI is given it)', async () => {
    for (const res of [await decode('/decode', { authorization: `Bearer ${CLI_TOKEN}` }), await decode(`/t/${UI_TOKEN}/decode`, {})]) {
      expect(res.status).toBe(200);
      const { encoding, value } = await decodedInput(res);
      expect(encoding).toBe('json/plain');
      expect(value).toMatchObject({ storeHash: stack.storeHash, erpTaskQueue: `erp.${stack.storeHash}` });
    }
  });

  it('403 for another namespace', async () => {
    expect((await decode('/decode', { authorization: `Bearer ${CLI_TOKEN}`, 'x-namespace': 'someone-else' })).status).toBe(403);
    expect((await decode('/decode', { authorization: `Bearer ${CLI_TOKEN}`, 'x-namespace': stack.config.temporal.namespace })).status).toBe(200);
  });

  it('CORS headers for the configured origin only; its preflight passes, another origin gets none', async () => {
    const allowed = await decode(`/t/${UI_TOKEN}/decode`, { origin: UI_ORIGIN, 'x-namespace': stack.config.temporal.namespace });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');

    const other = await decode(`/t/${UI_TOKEN}/decode`, { origin: 'http://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('access-control-allow-credentials')).toBeNull();

    const preflight = (origin: string, path: string) =>
      fetch(`${codec.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
      });
    for (const path of ['/decode', `/t/${UI_TOKEN}/decode`, '/encode']) {
      const ok = await preflight(UI_ORIGIN, path);
      expect(ok.status).toBeLessThan(300);
      expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
      expect(ok.headers.get('access-control-allow-methods')).toMatch(/POST/);
      for (const h of ['authorization', 'content-type', 'x-namespace']) expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(h);
      const refused = await preflight('http://evil.example', path);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(refused.status).toBeGreaterThanOrEqual(400);
    }
  });
});

describe("an activity's failure message is encrypted too", () => {
  it('an ERP validation error quoting the customer parks the order: the recorded failure shows none of it without the codec, all of it with', async () => {
    const c = knownCustomer();
    // NetSuite's 400s quote the offending value; this one quotes the customer's email and street.
    const detail = `Invalid field value ${c.email} for email; address ${c.billingStreet} is not deliverable.`;
    const fault = await fetch(`${stack.sandboxes.erpUrl}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'PUT',
        path: '^/salesOrder/',
        status: 400,
        times: 1,
        body: {
          type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
          title: 'Bad Request',
          status: 400,
          'o:errorDetails': [{ detail, 'o:errorCode': 'USER_ERROR' }],
        },
      }),
    });
    expect(fault.status).toBe(201);
    const order = await stack.createOrder(orderFor(c));
    const workflowId = `order:${stack.storeHash}:${order.id}`;
    const attrs = await eventually(
      async () => {
        const sa = (await stack.client.workflow.getHandle(workflowId).describe()).typedSearchAttributes;
        return sa.get(BcSyncStatus) === 'NeedsAttention' ? sa : undefined;
      },
      `${workflowId} NeedsAttention`,
      30_000,
    );
    expect(attrs.get(BcErrorType)).toBe('ErpValidation');

    const raw = await cli(['workflow', 'show', '-w', workflowId]);
    const failed = (raw.json.events as Json[]).filter((e) => e.activityTaskFailedEventAttributes);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    const failure = failed[0].activityTaskFailedEventAttributes.failure;
    // The SDK's encoded failure: the message and stack trace are an encrypted payload.
    expect(failure.message).toBe('Encoded failure');
    expect(encodingOf(failure.encodedAttributes)).toBe('binary/encrypted');
    expect(failure.applicationFailureInfo?.type).toBe('ErpValidation');
    expect(findValues(raw.json, { ...needles(c), detail: 'for email; address' })).toEqual([]);
    expect(findValues((await cli(['workflow', 'describe', '-w', workflowId])).json, { ...needles(c), detail: 'for email; address' })).toEqual([]);

    const decoded = await cli(['workflow', 'show', '-w', workflowId, ...withCodec(CLI_TOKEN)]);
    const decodedFailure = (decoded.json.events as Json[]).find((e) => e.activityTaskFailedEventAttributes).activityTaskFailedEventAttributes.failure;
    const found = findValues(decodedFailure, { detail: 'for email; address', email: c.email, street: c.billingStreet });
    expect(found.some((f) => f.startsWith('detail at'))).toBe(true);
    expect(found.some((f) => f.startsWith('email at'))).toBe(true);
    expect(found.some((f) => f.startsWith('street at'))).toBe(true);
  });
});
