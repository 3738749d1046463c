import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import {
  createSpecValidator,
  SHIPSTATION_V1_SPEC,
  shipStationSpecAvailable,
  shipStationV1SpecSet,
  SpecValidator,
  specsAvailable,
  SPEC_DIR,
  type CheckResult,
} from './spec-validator';
import type { Json } from '../support/json';

export interface CallResult {
  status: number;
  headers: Headers;
  body: Json;
  check: CheckResult | null;
}

let validator: SpecValidator | undefined;
const sharedValidator = () => (validator ??= new SpecValidator());

/**
 * Calls the BigCommerce sandbox over HTTP and checks every JSON response against BigCommerce's own
 * OpenAPI spec for its path, method and status. Results are written for the run's summary
 * (printed by test/support/global-setup.ts). Without ../shared the checks are skipped, loudly.
 */
export class ConformanceClient {
  readonly results: CheckResult[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly storeHash: string,
    private readonly token: string,
  ) {}

  async call(method: string, pathAndQuery: string, body?: unknown, opts: { token?: string | null; headers?: Record<string, string> } = {}): Promise<CallResult> {
    const url = `${this.baseUrl}/stores/${this.storeHash}${pathAndQuery}`;
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? this.token : opts.token;
    if (token !== null) headers['x-auth-token'] = token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
    }
    let check: CheckResult | null = null;
    if (specsAvailable() && json !== undefined && typeof json === 'object') {
      check = sharedValidator().check(method, `/stores/${this.storeHash}${pathAndQuery}`, res.status, json);
      this.results.push(check);
    } else if (specsAvailable() && res.status === 204) {
      const op = sharedValidator().findOperation(method, `/stores/${this.storeHash}${pathAndQuery}`);
      check = { operation: op ? `${op.method} ${op.prefix}${op.template}` : null, status: 204, outcome: 'valid' };
      this.results.push(check);
    }
    return { status: res.status, headers: res.headers, body: json, check };
  }

  /** Every response checked so far that the spec declares and that failed validation. */
  invalid(): CheckResult[] {
    return this.results.filter((r) => r.outcome === 'invalid');
  }
}

/** Registers the file's results for the run summary and asserts none was schema-invalid. */
export function recordConformance(name: string, client: () => ConformanceClient | undefined): void {
  if (!specsAvailable()) {
    console.warn(`\n!!! ${SPEC_DIR} is missing: BigCommerce OpenAPI conformance checks are SKIPPED in ${name}.\n`);
    return;
  }
  afterAll(() => {
    const c = client();
    if (!c) return;
    writeFileSync(path.join(inject('conformanceDir'), `${name}.json`), JSON.stringify(c.results));
    expect(c.invalid(), 'responses that do not match the BigCommerce spec').toEqual([]);
  });
}

let shipStationValidator: SpecValidator | undefined;
const sharedShipStationValidator = () => (shipStationValidator ??= createSpecValidator(shipStationV1SpecSet()));

/**
 * Calls the OMS sandbox (ShipStation V1 shape, paths at the root, HTTP Basic auth) and checks every
 * JSON response against the ShipStation V1 spec for its path, method and status, the way
 * ConformanceClient does for BigCommerce. A 2xx without a body counts as valid when the spec
 * declares that status (DELETE /webhooks/{id} answers 200 with nothing).
 */
export class OmsConformanceClient {
  readonly results: CheckResult[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly apiSecret: string,
  ) {}

  async call(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    opts: { auth?: { key: string; secret: string } | null; headers?: Record<string, string> } = {},
  ): Promise<CallResult> {
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
    const auth = opts.auth === undefined ? { key: this.apiKey, secret: this.apiSecret } : opts.auth;
    if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.key}:${auth.secret}`).toString('base64')}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${pathAndQuery}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
    }
    let check: CheckResult | null = null;
    if (shipStationSpecAvailable()) {
      const validator = sharedShipStationValidator();
      if (json !== undefined && typeof json === 'object') {
        check = validator.check(method, pathAndQuery, res.status, json);
      } else if (json === undefined && res.status >= 200 && res.status <= 299) {
        const op = validator.findOperation(method, pathAndQuery);
        const declared = op ? Object.keys(op.responses).includes(String(res.status)) : false;
        check = {
          operation: op ? `${op.method} ${op.prefix}${op.template}` : null,
          status: res.status,
          outcome: op ? (declared ? 'valid' : 'undocumented-status') : 'no-operation',
        };
      }
      if (check) this.results.push(check);
    }
    return { status: res.status, headers: res.headers, body: json, check };
  }

  /** Every response checked so far that the spec declares and that failed validation. */
  invalid(): CheckResult[] {
    return this.results.filter((r) => r.outcome === 'invalid');
  }
}

/**
 * For the OMS conformance file: asserts no response was schema-invalid and prints its own summary
 * line (the BigCommerce summary in test/support/global-setup.ts counts BigCommerce operations only).
 * Without ../shared the checks are skipped, loudly.
 */
export function recordOmsConformance(name: string, client: () => OmsConformanceClient | undefined, inScope: readonly string[]): void {
  if (!shipStationSpecAvailable()) {
    console.warn(`\n!!! ${SHIPSTATION_V1_SPEC} is missing: ShipStation V1 OpenAPI conformance checks are SKIPPED in ${name}.\n`);
    return;
  }
  afterAll(() => {
    const c = client();
    if (!c) return;
    const results = c.results;
    const covered = new Set(results.filter((r) => r.operation).map((r) => r.operation!));
    const missing = inScope.filter((op) => !covered.has(op));
    const count = (o: CheckResult['outcome']) => results.filter((r) => r.outcome === o).length;
    console.log(
      `[conformance] ShipStation V1 (${name}): operations covered: ${inScope.length - missing.length} of ${inScope.length} in scope` +
        (missing.length ? ` (not exercised: ${missing.join(', ')})` : '') +
        `; responses checked: ${results.length}, schema-valid: ${count('valid')}, invalid: ${count('invalid')}, ` +
        `status not declared in the spec: ${count('undocumented-status')}, no JSON schema in the spec: ${count('no-schema')}, path not in the spec: ${count('no-operation')}`,
    );
    expect(c.invalid(), 'responses that do not match the ShipStation V1 spec').toEqual([]);
    expect(missing, 'in-scope ShipStation operations the conformance tests did not exercise').toEqual([]);
  });
}
