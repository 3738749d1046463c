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
export const SHARED_DIR = process.env.BCSYNC_SHARED_DIR ?? path.resolve(__dirname, '../../../../shared');
export const SPEC_DIR = path.join(SHARED_DIR, 'bigcommerce/openapi');
export const specsAvailable = (): boolean => existsSync(SPEC_DIR);
/** ShipStation V1 (third-party authored, mirrors ShipStation's text; FACTS.md section 3). */
export const SHIPSTATION_V1_SPEC = path.join(SHARED_DIR, 'connectors/openapi/shipstation-v1/openapi.yaml');
export const SHIPSTATION_V1_SPEC_ID = 'shipstation-v1/openapi.yaml';
export const shipStationSpecAvailable = (): boolean => existsSync(SHIPSTATION_V1_SPEC);

type Json = Record<string, unknown>;

interface Operation {
  file: string;
  /** What the request path has before the spec's path template: "/v2" or "/v3" for BigCommerce, "" for specs at the root. */
  prefix: string;
  method: string;
  template: string;
  regex: RegExp;
  params: number;
  responses: Json;
  requestBody: Json | undefined;
}

export interface CheckResult {
  operation: string | null; // "GET /v2/orders/{order_id}", "POST /orders/createorder"
  status: number;
  outcome: 'valid' | 'invalid' | 'no-operation' | 'undocumented-status' | 'no-schema';
  errors?: string[];
}

/** A request body checked against the operation's `requestBody` schema (see SpecValidator.checkRequest). */
export interface RequestCheckResult {
  operation: string | null;
  outcome: 'valid' | 'invalid' | 'no-operation' | 'no-schema';
  errors?: string[];
  /**
   * Where the body sends a property its schema does not declare (JSON pointers into the body).
   * Not a schema violation (the specs never close their objects with `additionalProperties: false`),
   * but a misspelt or invented field that BigCommerce would ignore or refuse, so callers assert on it.
   */
  undeclared: string[];
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
  for (const [flag, bound] of [
    ['exclusiveMaximum', 'maximum'],
    ['exclusiveMinimum', 'minimum'],
  ] as const) {
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
    why: "GET /v3/hooks lists only the calling client's hooks; a client with none gets `data: []`, which `minItems: 1` would reject",
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
    file: 'products_catalog.v3.yml',
    pointer: '/components/schemas/product_Base_POST/properties/variants/items',
    fix: (node) => {
      // productVariant_Full's own properties, without its `required: [sku, id, product_id]`.
      delete node.$ref;
      node.allOf = [{ $ref: '#/components/schemas/productVariant_Base' }, { $ref: '#/components/schemas/productVariant_Full/allOf/1' }];
      node.required = ['sku'];
    },
    why: 'POST /catalog/products types `variants[]` as productVariant_Full, which requires `id` and `product_id`: a variant being created with its product has neither yet (the operation description lists `id` as read-only and says variants are created through this array; FACTS.md section 3)',
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
  {
    file: 'product-variant-options_catalog.v3.yml',
    pointer: '/paths/~1catalog~1products~1{product_id}~1options~1{option_id}~1values',
    fix: (node) => xNullableToNullable(node),
    why: 'GET/POST .../options/{option_id}/values mark `value_data` with Swagger 2 `x-nullable`, which OpenAPI 3 ignores; productOptionOptionValue_Base marks it `nullable: true` ("If no data is available, returns `null`")',
  },
  {
    file: 'product-variant-options_catalog.v3.yml',
    pointer:
      '/paths/~1catalog~1products~1{product_id}~1options/post/responses/200/content/application~1json/schema/properties/data/allOf/0/properties/option_values/items/allOf/0/properties/value_data',
    fix: (node) => (node.nullable = true),
    why: 'the POST /catalog/products/{product_id}/options answer copies Option Value Base inline without `nullable`; productOptionOptionValue_Base says of `value_data` "If no data is available, returns `null`"',
  },
  // ShipStation V1 (third-party spec, generated from ShipStation's example responses): where one
  // example happened to have a value, the schema made the field required and non-nullable; where
  // it had null, the field became a nullable string. ShipStation returns null for every optional
  // field an object does not have.
  {
    file: SHIPSTATION_V1_SPEC_ID,
    pointer: '/components/schemas',
    fix: (schemas) =>
      nullableProps(
        schemas,
        ['CreateOrUpdateOrderresponse', 'GetOrderresponse', 'Order'],
        [
          'paymentDate',
          'shipByDate',
          'customerUsername',
          'customerEmail',
          'customerNotes',
          'internalNotes',
          'giftMessage',
          'paymentMethod',
          'requestedShippingService',
          'carrierCode',
          'serviceCode',
          'packageCode',
          'confirmation',
          'shipDate',
          'dimensions',
        ],
      ),
    why: 'the create/update order page documents these Order fields as optional, and ShipStation answers null for the ones an order lacks (the Order schema itself has `giftMessage`/`paymentMethod` nullable, from an example where they were null)',
  },
  {
    file: SHIPSTATION_V1_SPEC_ID,
    pointer: '/components/schemas',
    fix: (schemas) => nullableProps(schemas, ['GetOrderresponse', 'Order'], ['customerId']),
    why: 'API-created orders have no customer record yet: the createorder response schema makes `customerId` nullable and its example is `customerId: null`; the same order read back is typed integer only',
  },
  {
    file: SHIPSTATION_V1_SPEC_ID,
    pointer: '/components/schemas',
    fix: (schemas) => retypeProps(schemas, ['CreateOrUpdateOrderresponse', 'GetOrderresponse', 'Order'], ['taxAmount', 'shippingAmount'], 'number'),
    why: 'money typed `integer, int32` because an example had 5 and 10; the Order schema types `taxAmount` as number with example 27.99, and the docs say number',
  },
  {
    file: SHIPSTATION_V1_SPEC_ID,
    pointer: '/components/schemas',
    fix: (schemas) => {
      nullableProps(schemas, ['ShipTo2', 'ShipTo6', 'ShipTo9'], ['company', 'street1', 'street2', 'city', 'state', 'postalCode', 'country', 'phone', 'residential']);
      nullableProps(schemas, ['ShipTo2', 'ShipTo6'], ['addressVerified']);
      retypeProps(schemas, ['ShipTo9'], ['residential'], 'boolean');
    },
    why: 'the Address model marks no field required and ShipStation returns null for unset ones (the BillTo schema, from an example with nulls, has every field nullable); `residential` is a boolean in the Address model and in ShipTo2/ShipTo6, a nullable string in ShipTo9',
  },
  {
    file: SHIPSTATION_V1_SPEC_ID,
    pointer: '/components/schemas',
    fix: (schemas) => {
      nullableProps(
        schemas,
        ['Item', 'Item2', 'Item4'],
        ['lineItemKey', 'sku', 'name', 'imageUrl', 'weight', 'taxAmount', 'shippingAmount', 'warehouseLocation', 'productId', 'fulfillmentSku', 'upc'],
      );
      retypeProps(schemas, ['Item', 'Item2', 'Item4'], ['taxAmount', 'shippingAmount'], 'number');
      retypeProps(schemas, ['Item2'], ['productId'], 'integer');
    },
    why: "the OrderItem model documents these as optional (null when unset; Item4 has lineItemKey/taxAmount/upc nullable from an example with nulls); item tax and shipping are money (number, example 2.5), not strings or integers; `productId` is ShipStation's integer product id (Item, Item4), not a string",
  },
  {
    file: SHIPSTATION_V1_SPEC_ID,
    pointer: '/components/schemas',
    fix: (schemas) => {
      nullableProps(schemas, ['InsuranceOptions'], ['provider']);
      nullableProps(schemas, ['AdvancedOptions', 'AdvancedOptions4'], ['customField1', 'customField2', 'customField3', 'source']);
      nullableProps(schemas, ['InternationalOptions4'], ['contents', 'customsItems', 'nonDelivery']);
    },
    why: 'the same objects are nullable elsewhere in this spec (InsuranceOptions4.provider, AdvancedOptions4.customField3/source, InternationalOptions.*, all from examples with nulls): unset options are null',
  },
  {
    file: SHIPSTATION_V1_SPEC_ID,
    pointer: '/components/schemas',
    fix: (schemas) => {
      nullableProps(schemas, ['Shipment'], ['shipmentItems']);
      nullableProps(schemas, ['ShipmentItem'], ['sku', 'name']);
      retypeProps(schemas, ['ShipmentItem'], ['unitPrice'], 'number');
    },
    why: "shipment items are null unless the request sets includeShipmentItems=true (the parameter's own description; FACTS.md section 3); a unit price is money (number), typed integer because the example was 1",
  },
  {
    file: SHIPSTATION_V1_SPEC_ID,
    pointer: '/components/schemas/Webhook/properties/StoreID',
    fix: (node) => (node.nullable = true),
    why: 'a webhook subscribed without `store_id` fires for every store and has no StoreID; the subscribe request schema makes `store_id` nullable',
  },
];

/** Marks properties of component schemas nullable; throws when one is missing (the spec changed). */
function nullableProps(schemas: Json, names: string[], props: string[]): void {
  for (const [, prop] of schemaProps(schemas, names, props)) prop.nullable = true;
}

/** Corrects the JSON type of properties of component schemas (formats like int32 go with the old type). */
function retypeProps(schemas: Json, names: string[], props: string[], type: string): void {
  for (const [, prop] of schemaProps(schemas, names, props)) {
    prop.type = type;
    delete prop.format;
  }
}

function schemaProps(schemas: Json, names: string[], props: string[]): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  for (const name of names) {
    const properties = (schemas[name] as Json | undefined)?.properties as Record<string, Json> | undefined;
    for (const p of props) {
      const prop = properties?.[p];
      if (!prop) throw new Error(`spec erratum no longer applies (the spec changed?): ${name}.${p}`);
      out.push([`${name}.${p}`, prop]);
    }
  }
  return out;
}

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

/** One spec file to load; `id` names it in errata, in ajv and in results. */
export interface SpecFile {
  path: string;
  id: string;
}

/** How to read a set of specs: which files, and how request paths map onto their path templates. */
export interface SpecSet {
  files: SpecFile[];
  /** A spec's operation prefix, from the parsed document ("/v2" for a BigCommerce V2 spec, "" at the root). */
  prefixOf: (doc: Json, id: string) => string;
  /** A request path (no query) -> the prefix it is served under and the path the spec templates describe. */
  route: (urlPath: string) => { prefix: string; path: string } | undefined;
}

/** BigCommerce: every spec in `dir`; requests under /stores/<hash>/v2|v3. */
export function bigCommerceSpecSet(dir: string = SPEC_DIR): SpecSet {
  return {
    files: readdirSync(dir)
      .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
      .map((f) => ({ path: path.join(dir, f), id: f })),
    prefixOf: (doc) => {
      const server = ((doc.servers as Json[] | undefined)?.[0]?.url as string | undefined) ?? '';
      return server.endsWith('/v2') ? '/v2' : '/v3';
    },
    route: (urlPath) => {
      const m = /^\/stores\/[^/]+\/(v2|v3)(\/.*)$/.exec(urlPath);
      return m ? { prefix: `/${m[1]}`, path: m[2]! } : undefined;
    },
  };
}

/** ShipStation V1: one OpenAPI 3 file, paths at the API root (https://ssapi.shipstation.com/orders/...). */
export function shipStationV1SpecSet(file: string = SHIPSTATION_V1_SPEC): SpecSet {
  return { files: [{ path: file, id: SHIPSTATION_V1_SPEC_ID }], prefixOf: () => '', route: (urlPath) => ({ prefix: '', path: urlPath }) };
}

/** A validator for any set of OpenAPI 3 specs (BigCommerce's Swagger-2-style files included). */
export function createSpecValidator(set: SpecSet): SpecValidator {
  return new SpecValidator(set);
}

export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly route: SpecSet['route'];
  /** Each spec as registered with ajv (after toJsonSchema): what request-body pointers point into. */
  private readonly schemaDocs = new Map<string, Json>();

  /** A folder of BigCommerce specs (the default: ../shared/bigcommerce/openapi), or any spec set. */
  constructor(source: string | SpecSet = SPEC_DIR) {
    const set = typeof source === 'string' ? bigCommerceSpecSet(source) : source;
    this.route = set.route;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, allowUnionTypes: true });
    addFormats(this.ajv);
    // ISO-4217 (currency codes) is not checked: a 422 echoes the refused record, currency and all.
    for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'url', 'ISO-4217']) this.ajv.addFormat(format, true);
    for (const { path: filePath, id: file } of set.files) {
      const doc = parse(readFileSync(filePath, 'utf8')) as Json;
      applyErrata(file, doc);
      const prefix = set.prefixOf(doc, file);
      const schemaDoc = toJsonSchema(doc) as Json;
      this.ajv.addSchema(schemaDoc, file);
      this.schemaDocs.set(file, schemaDoc);
      for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
        for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
          const op = item[method] as Json | undefined;
          if (!op) continue;
          const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
          this.operations.push({
            file,
            prefix,
            method: method.toUpperCase(),
            template,
            regex: new RegExp(`^${pattern}$`),
            params: (template.match(/\{/g) ?? []).length,
            responses: (op.responses ?? {}) as Json,
            requestBody: op.requestBody as Json | undefined,
          });
        }
      }
      (this as unknown as { docs?: Map<string, Json> }).docs ??= new Map();
      (this as unknown as { docs: Map<string, Json> }).docs.set(file, doc);
    }
    // Literal paths win over templated ones: /orders/count before /orders/{order_id}.
    this.operations.sort((a, b) => a.params - b.params || b.template.length - a.template.length);
  }

  /** Every operation the specs declare, as "METHOD /vN/path" (BigCommerce) or "METHOD /path" (specs at the root). */
  allOperations(): string[] {
    return this.operations.map((o) => `${o.method} ${o.prefix}${o.template}`);
  }

  findOperation(method: string, urlPath: string): Operation | undefined {
    const routed = this.route(urlPath.split('?')[0]!);
    if (!routed) return undefined;
    return this.operations.find((o) => o.prefix === routed.prefix && o.method === method.toUpperCase() && o.regex.test(routed.path));
  }

  check(method: string, urlPath: string, status: number, body: unknown): CheckResult {
    const op = this.findOperation(method, urlPath);
    if (!op) return { operation: null, status, outcome: 'no-operation' };
    const name = `${op.method} ${op.prefix}${op.template}`;
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

  /**
   * Validates a request body we send against the operation's `requestBody` JSON schema, and lists
   * the properties it sends that the schema does not declare (see RequestCheckResult.undeclared).
   */
  checkRequest(method: string, urlPath: string, body: unknown): RequestCheckResult {
    const op = this.findOperation(method, urlPath);
    if (!op) return { operation: null, outcome: 'no-operation', undeclared: [] };
    const name = `${op.method} ${op.prefix}${op.template}`;
    const pointer = this.requestSchemaPointer(op);
    if (!pointer) return { operation: name, outcome: 'no-schema', undeclared: [] };
    const validate = this.compilePointer(op.file, pointer);
    const undeclared: string[] = [];
    this.findUndeclared(op.file, [pointer], body, '', undeclared);
    if (validate(body)) return { operation: name, outcome: 'valid', undeclared };
    return {
      operation: name,
      outcome: 'invalid',
      errors: (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`),
      undeclared,
    };
  }

  /** JSON pointer (no `#`) of the operation's JSON request schema; follows a `$ref` to components/requestBodies. */
  private requestSchemaPointer(op: Operation): string | undefined {
    const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
    let requestBody = op.requestBody;
    let pointer = `/paths/${esc(op.template)}/${op.method.toLowerCase()}/requestBody`;
    if (typeof requestBody?.$ref === 'string') {
      pointer = requestBody.$ref.slice(1);
      requestBody = this.resolve(op.file, pointer);
    }
    const content = requestBody?.content as Record<string, Json> | undefined;
    const mediaType = content && Object.keys(content).find((t) => t.includes('json'));
    if (!mediaType || !content![mediaType]!.schema) return undefined;
    return `${pointer}/content/${esc(mediaType)}/schema`;
  }

  private compilePointer(file: string, pointer: string): ValidateFunction {
    const key = `${file}#${pointer}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: key });
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private resolve(file: string, pointer: string): Json | undefined {
    return pointer
      .slice(1)
      .split('/')
      .reduce<Json | undefined>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')] as Json | undefined, this.schemaDocs.get(file));
  }

  /**
   * Walks `value` beside the schemas at `pointers` (all of which it must satisfy) and records each
   * object key none of them declares. `allOf` branches all count; of `anyOf` branches (oneOf and
   * nullable become anyOf) only those the value validates against, so a key declared by an
   * alternative the value is not is still reported. An object schema with `additionalProperties`
   * or no `properties` at all is free-form and not walked.
   */
  private findUndeclared(file: string, pointers: string[], value: unknown, at: string, out: string[]): void {
    if (value === null || typeof value !== 'object') return;
    const props = new Map<string, string[]>();
    const items: string[] = [];
    let open = false;
    const visit = (pointer: string, depth: number): void => {
      const node = this.resolve(file, pointer);
      if (!node || depth > 32) return;
      if (typeof node.$ref === 'string') visit(node.$ref.slice(1), depth + 1);
      if (node.additionalProperties !== undefined && node.additionalProperties !== false) open = true;
      for (const key of Object.keys((node.properties as Json | undefined) ?? {})) {
        props.set(key, [...(props.get(key) ?? []), `${pointer}/properties/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
      }
      if (node.items && typeof node.items === 'object') items.push(`${pointer}/items`);
      ((node.allOf as unknown[] | undefined) ?? []).forEach((_, i) => {
        visit(`${pointer}/allOf/${i}`, depth + 1);
      });
      const anyOf = ((node.anyOf as unknown[] | undefined) ?? []).map((_, i) => `${pointer}/anyOf/${i}`);
      const matching = anyOf.filter((p) => this.compilePointer(file, p)(value));
      for (const p of matching.length ? matching : anyOf) visit(p, depth + 1);
    };
    for (const p of pointers) visit(p, 0);
    if (Array.isArray(value)) {
      if (items.length) {
        value.forEach((v, i) => {
          this.findUndeclared(file, items, v, `${at}/${i}`, out);
        });
      }
      return;
    }
    if (open || props.size === 0) return;
    for (const [key, v] of Object.entries(value as Json)) {
      const at2 = `${at}/${key}`;
      const declared = props.get(key);
      if (!declared) out.push(at2);
      else this.findUndeclared(file, declared, v, at2, out);
    }
  }
}
