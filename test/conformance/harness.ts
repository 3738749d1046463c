import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, inject } from 'vitest';
import { SpecValidator, specsAvailable, SPEC_DIR, type CheckResult } from './spec-validator';

export interface CallResult {
  status: number;
  headers: Headers;
  // any: tests read loose JSON responses field by field
  body: any;
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
    let json: unknown = undefined;
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
      check = { operation: op ? `${op.method} /${op.version}${op.template}` : null, status: 204, outcome: 'valid' };
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
