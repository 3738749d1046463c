import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Validates sandbox responses against BigCommerce's own OpenAPI specs in ../shared. Every
 * (method, path, status) is looked up in the spec that serves it, and the JSON body is validated
 * with ajv against the response schema declared there. The specs are read at test time and never
 * copied into the project; a clone without ../shared skips these checks, loudly.
 */
/** `../shared` beside the repository, or wherever BCSYNC_SHARED_DIR points. */
export const SHARED_DIR = process.env.BCSYNC_SHARED_DIR ?? path.resolve(__dirname, '../../../shared');
export const SPEC_DIR = path.join(SHARED_DIR, 'bigcommerce/openapi');
export const specsAvailable = (): boolean => existsSync(SPEC_DIR);

type Json = Record<string, unknown>;

interface Operation {
  file: string;
  version: 'v2' | 'v3';
  method: string;
  template: string;
  regex: RegExp;
  params: number;
  responses: Json;
}

export interface CheckResult {
  operation: string | null; // "GET /v2/orders/{order_id} (orders.v2.oas2.yml)"
  status: number;
  outcome: 'valid' | 'invalid' | 'no-operation' | 'undocumented-status' | 'no-schema';
  errors?: string[];
}

/**
 * OpenAPI 3.0 -> JSON Schema: `nullable: true` becomes a union with null. And `oneOf` is read as
 * `anyOf`: BigCommerce's specs use oneOf for alternatives that overlap (consignment `line_items` is
 * "links or full products", and a full product also matches the link schema), so a strict oneOf
 * rejects every correct response.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'example' || k === 'examples' || k === 'x-examples' || k === 'discriminator' || k === 'xml') continue;
    out[k === 'oneOf' ? 'anyOf' : k] = toJsonSchema(v);
  }
  // OpenAPI 3.0 writes exclusive bounds as booleans beside minimum/maximum; JSON Schema wants the bound itself.
  for (const [flag, bound] of [['exclusiveMaximum', 'maximum'], ['exclusiveMinimum', 'minimum']] as const) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else delete out[flag];
  }
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  delete out.nullable;
  return out;
}

/**
 * Where BigCommerce's published specs contradict the platform's documented behaviour, the schema is
 * corrected here, in the open, with the reason. Everything else is validated as published.
 */
export const SPEC_ERRATA: ReadonlyArray<{ file: string; pointer: string; fix: (node: Json) => void; why: string }> = [
  {
    file: 'webhooks.v3.yml',
    pointer: '/components/responses/webhooks_Resp/content/application~1json/schema/properties/data',
    fix: (node) => delete node.minItems,
    why: 'GET /v3/hooks lists only the calling client\'s hooks; a client with none gets `data: []`, which `minItems: 1` would reject',
  },
  {
    file: 'products_catalog.v3.yml',
    pointer: '/components/schemas/product_Full/allOf/2/properties/base_variant_id',
    fix: (node) => (node.nullable = true),
    why: 'described as "`null` for complex products" but typed integer without `nullable`',
  },
  {
    file: 'products_catalog.v3.yml',
    pointer: '/components/schemas/product_Full/allOf/2/properties/option_set_id',
    fix: (node) => (node.nullable = true),
    why: 'products made through V3 have `option_set_id: null` (bigcommerce/api issue #88), typed integer without `nullable`',
  },
  {
    file: 'inventory.v3.yml',
    pointer: '/components/schemas/ItemResponse/properties/identity/properties/sku_id',
    fix: (node) => (node.nullable = true),
    why: 'described as "`null` if the item is a base variant" but typed integer without `nullable`',
  },
  {
    file: 'product-variants_catalog.v3.yml',
    pointer: '/paths/~1catalog~1variants',
    fix: (node) => xNullableToNullable(node),
    why: 'GET/PUT /catalog/variants use Swagger 2 `x-nullable`, which OpenAPI 3 ignores; productVariant_Full marks the same fields `nullable: true`',
  },
];

function xNullableToNullable(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Json;
  if (n['x-nullable'] === true) n.nullable = true;
  for (const v of Object.values(n)) xNullableToNullable(v);
}

function applyErrata(file: string, doc: Json): void {
  for (const e of SPEC_ERRATA.filter((x) => x.file === file)) {
    const node = e.pointer
      .slice(1)
      .split('/')
      .reduce<Json | undefined>((n, part) => n?.[part.replace(/~1/g, '/').replace(/~0/g, '~')] as Json | undefined, doc);
    if (!node) throw new Error(`spec erratum no longer applies (the spec changed?): ${file}#${e.pointer}`);
    e.fix(node);
  }
}

export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(dir: string = SPEC_DIR) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, allowUnionTypes: true });
    addFormats(this.ajv);
    for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'url']) this.ajv.addFormat(format, true);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))) {
      const doc = parse(readFileSync(path.join(dir, file), 'utf8')) as Json;
      applyErrata(file, doc);
      const server = ((doc.servers as Json[] | undefined)?.[0]?.url as string | undefined) ?? '';
      const version = server.endsWith('/v2') ? 'v2' : 'v3';
      this.ajv.addSchema(toJsonSchema(doc) as Json, file);
      for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
        for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
          const op = item[method] as Json | undefined;
          if (!op) continue;
          const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
          this.operations.push({
            file,
            version,
            method: method.toUpperCase(),
            template,
            regex: new RegExp(`^${pattern}$`),
            params: (template.match(/\{/g) ?? []).length,
            responses: (op.responses ?? {}) as Json,
          });
        }
      }
      (this as unknown as { docs?: Map<string, Json> }).docs ??= new Map();
      (this as unknown as { docs: Map<string, Json> }).docs.set(file, doc);
    }
    // Literal paths win over templated ones: /orders/count before /orders/{order_id}.
    this.operations.sort((a, b) => a.params - b.params || b.template.length - a.template.length);
  }

  /** Every operation the specs declare, as "METHOD /vN/path". */
  allOperations(): string[] {
    return this.operations.map((o) => `${o.method} /${o.version}${o.template}`);
  }

  findOperation(method: string, urlPath: string): Operation | undefined {
    const m = /^\/stores\/[^/]+\/(v2|v3)(\/.*)$/.exec(urlPath.split('?')[0]!);
    if (!m) return undefined;
    const [, version, rest] = m;
    return this.operations.find((o) => o.version === version && o.method === method.toUpperCase() && o.regex.test(rest!));
  }

  check(method: string, urlPath: string, status: number, body: unknown): CheckResult {
    const op = this.findOperation(method, urlPath);
    if (!op) return { operation: null, status, outcome: 'no-operation' };
    const name = `${op.method} /${op.version}${op.template}`;
    const key = String(status);
    const responseKey = key in op.responses ? key : `${key[0]}XX` in op.responses ? `${key[0]}XX` : 'default' in op.responses ? 'default' : undefined;
    if (!responseKey) return { operation: name, status, outcome: 'undocumented-status' };

    const cacheKey = `${op.file}|${op.method}|${op.template}|${responseKey}`;
    let validate = this.compiled.get(cacheKey);
    if (!validate) {
      const pointer = this.schemaPointer(op, responseKey);
      if (!pointer) return { operation: name, status, outcome: 'no-schema' };
      validate = this.ajv.compile({ $ref: pointer });
      this.compiled.set(cacheKey, validate);
    }
    if (validate(body)) return { operation: name, status, outcome: 'valid' };
    return {
      operation: name,
      status,
      outcome: 'invalid',
      errors: (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`),
    };
  }

  /** JSON pointer (into the registered spec) of the response schema; follows a `$ref` to components/responses. */
  private schemaPointer(op: Operation, responseKey: string): string | undefined {
    const docs = (this as unknown as { docs: Map<string, Json> }).docs;
    const doc = docs.get(op.file)!;
    const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
    let response = op.responses[responseKey] as Json;
    let pointer = `#/paths/${esc(op.template)}/${op.method.toLowerCase()}/responses/${esc(responseKey)}`;
    if (typeof response.$ref === 'string') {
      pointer = response.$ref;
      response = pointer
        .slice(2)
        .split('/')
        .reduce<Json>((node, part) => node[part.replace(/~1/g, '/').replace(/~0/g, '~')] as Json, doc);
    }
    const content = response?.content as Record<string, Json> | undefined;
    const mediaType = content && Object.keys(content).find((t) => t.includes('json'));
    if (!mediaType || !content![mediaType]!.schema) return undefined;
    return `${op.file}${pointer}/content/${esc(mediaType)}/schema`;
  }
}
