import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { type CheckResult, createSpecValidator, type RequestCheckResult, SHARED_DIR, type SpecValidator } from './spec-validator';
import type { Json } from '../support/json';

/**
 * Conformance clients for the CRM and marketing sandboxes, in the pattern of harness.ts: every
 * JSON answer is validated against the operation's schema for its status, and every request body
 * sent is validated against the operation's request schema (a test that sends a body the spec
 * refuses fails, so the tests cannot pass by sending what the sandbox alone accepts).
 */
export const KLAVIYO_SPEC_DIR = path.join(SHARED_DIR, 'connectors/openapi/klaviyo');
export const klaviyoSpecAvailable = (): boolean => existsSync(path.join(KLAVIYO_SPEC_DIR, 'profiles.json')) && existsSync(path.join(KLAVIYO_SPEC_DIR, 'events.json'));
/** Hand-written: the deletion job's spec slice is not among the kept files (marketing/spec/). */
export const KLAVIYO_DELETION_SPEC = path.resolve(__dirname, '../../marketing/spec/data-privacy-deletion.openapi.yaml');
/** Hand-written: HubSpot's specs are proprietary (crm/spec/). */
export const HUBSPOT_CRM_SPEC = path.resolve(__dirname, '../../crm/spec/hubspot-crm.openapi.yaml');

/** Klaviyo's events and profiles slices (read from ../shared at test time, never copied) and the hand-written deletion job. */
export function klaviyoValidator(): SpecValidator {
  return createSpecValidator({
    files: [
      { path: path.join(KLAVIYO_SPEC_DIR, 'events.json'), id: 'klaviyo/events.json' },
      { path: path.join(KLAVIYO_SPEC_DIR, 'profiles.json'), id: 'klaviyo/profiles.json' },
      { path: KLAVIYO_DELETION_SPEC, id: 'klaviyo/data-privacy-deletion.openapi.yaml' },
    ],
    prefixOf: () => '',
    // Klaviyo answers with and without the trailing slash; the specs write paths without it.
    route: (urlPath) => ({ prefix: '', path: urlPath.length > 1 ? urlPath.replace(/\/$/, '') : urlPath }),
  });
}

export function hubSpotValidator(): SpecValidator {
  return createSpecValidator({ files: [{ path: HUBSPOT_CRM_SPEC, id: 'hubspot-crm.openapi.yaml' }], prefixOf: () => '', route: (urlPath) => ({ prefix: '', path: urlPath }) });
}

export interface VendorCall {
  status: number;
  headers: Headers;
  body: Json;
  check: CheckResult | null;
}

export class VendorConformanceClient {
  readonly results: CheckResult[] = [];
  readonly requests: RequestCheckResult[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly validator: SpecValidator | undefined,
    private readonly defaultHeaders: Record<string, string>,
    private readonly contentType: string,
  ) {}

  /**
   * `headers` replace the default ones of the same name; a header given as null is left out (an
   * auth failure, a missing revision). `checkBody: false` is for bodies that are wrong on purpose.
   */
  async call(method: string, pathAndQuery: string, body?: unknown, opts: { headers?: Record<string, string | null>; checkBody?: boolean } = {}): Promise<VendorCall> {
    const headers: Record<string, string> = { accept: this.contentType, ...this.defaultHeaders };
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      for (const existing of Object.keys(headers)) if (existing.toLowerCase() === k.toLowerCase()) delete headers[existing];
      if (v !== null) headers[k] = v;
    }
    if (body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = this.contentType;
    if (body !== undefined && this.validator && opts.checkBody !== false && typeof body === 'object')
      this.requests.push(this.validator.checkRequest(method, pathAndQuery.split('?')[0]!, body));
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
    if (this.validator) {
      if (json !== undefined && typeof json === 'object') {
        check = this.validator.check(method, pathAndQuery, res.status, json);
      } else if (json === undefined && res.status >= 200 && res.status <= 299) {
        const op = this.validator.findOperation(method, pathAndQuery);
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

  invalid(): CheckResult[] {
    return this.results.filter((r) => r.outcome === 'invalid' || r.outcome === 'undocumented-status' || r.outcome === 'no-operation');
  }

  /** Request bodies the spec refuses, or that send a field the spec does not declare. */
  invalidRequests(): RequestCheckResult[] {
    return this.requests.filter((r) => r.outcome !== 'valid' || r.undeclared.length > 0);
  }
}

/**
 * Asserts after the file that every answer matched the spec (declared status, valid body, known
 * path), every body sent was valid, and every in-scope operation was exercised; prints one line.
 * When the spec is missing the checks are skipped, loudly.
 */
export function recordVendorConformance(
  label: string,
  available: boolean,
  missingWhat: string,
  client: () => VendorConformanceClient | undefined,
  inScope: readonly string[],
): void {
  if (!available) {
    console.warn(`\n!!! ${missingWhat} is missing: ${label} OpenAPI conformance checks are SKIPPED.\n`);
    return;
  }
  afterAll(() => {
    const c = client();
    if (!c) return;
    const results = c.results;
    const covered = new Set(results.filter((r) => r.operation && r.outcome === 'valid').map((r) => r.operation!));
    const missing = inScope.filter((op) => !covered.has(op));
    const count = (o: CheckResult['outcome']) => results.filter((r) => r.outcome === o).length;
    console.log(
      `[conformance] ${label}: operations covered: ${inScope.length - missing.length} of ${inScope.length} in scope` +
        (missing.length ? ` (not exercised: ${missing.join(', ')})` : '') +
        `; responses checked: ${results.length}, schema-valid: ${count('valid')}, invalid: ${count('invalid')}, ` +
        `status not declared: ${count('undocumented-status')}, no JSON schema: ${count('no-schema')}, path not in the spec: ${count('no-operation')}; ` +
        `request bodies checked: ${c.requests.length}, refused or undeclared fields: ${c.invalidRequests().length}`,
    );
    expect(c.invalid(), `responses that do not match the ${label} spec`).toEqual([]);
    expect(c.invalidRequests(), `request bodies the ${label} spec refuses`).toEqual([]);
    expect(missing, `in-scope ${label} operations the tests did not exercise with a valid answer`).toEqual([]);
  });
}
