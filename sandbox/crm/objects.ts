import { z } from 'zod';
import type { HsErrorDetail } from './errors';
import type { CrmObjectType, CrmRecord, CrmSandboxData, HistoryEntry, PropertyDefinition } from './state';

/** Who made a change, and when (API writes: now; a user's change through the control: any time it says). */
export interface ChangeSource {
  sourceType: HistoryEntry['sourceType'];
  sourceId: string | null;
  updatedByUserId: number | null;
  atMs: number;
}

/** What the webhook emitter is told of. */
export interface ChangeEvent {
  objectType: CrmObjectType;
  objectId: string;
  kind: 'creation' | 'propertyChange' | 'deletion' | 'privacyDeletion';
  propertyName?: string;
  propertyValue?: string;
  source: ChangeSource;
}

/** A write the sandbox refuses for one record: the category and details of HubSpot's error. */
export interface WriteFailure {
  status: number;
  category: 'VALIDATION_ERROR' | 'CONFLICT' | 'OBJECT_NOT_FOUND';
  message: string;
  errors: HsErrorDetail[];
  context: Record<string, string[]>;
}

const emailSchema = z.email();

const DEFAULT_READ: Record<CrmObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
};
const MODIFIED: Record<CrmObjectType, string> = { contacts: 'lastmodifieddate', companies: 'hs_lastmodifieddate' };

/** Records of both object types, with an index of their unique property values. */
export class CrmStore {
  private unique = new Map<string, string>();

  constructor(
    private readonly data: () => CrmSandboxData,
    private readonly emit: (e: ChangeEvent) => void,
  ) {
    this.rebuild();
  }

  rebuild(): void {
    this.unique.clear();
    for (const type of ['contacts', 'companies'] as const) for (const r of Object.values(this.data()[type])) if (!r.archived) this.index(type, r);
  }

  defs(type: CrmObjectType): PropertyDefinition[] {
    return this.data().properties[type];
  }

  def(type: CrmObjectType, name: string): PropertyDefinition | undefined {
    return this.defs(type).find((d) => d.name === name);
  }

  records(type: CrmObjectType): Record<string, CrmRecord> {
    return this.data()[type];
  }

  /** A live record by its id, or by a unique property (`idProperty`); archived ones only when asked. */
  find(type: CrmObjectType, id: string, idProperty?: string, opts: { archived?: boolean } = {}): CrmRecord | undefined {
    if (idProperty && idProperty !== 'hs_object_id') {
      const owner = this.unique.get(uniqueKey(type, idProperty, normalise(idProperty, id)));
      return owner ? this.records(type)[owner] : undefined;
    }
    const r = this.records(type)[id];
    if (!r) return undefined;
    return r.archived === (opts.archived ?? false) ? r : undefined;
  }

  /** Whether `idProperty` may name records: hs_object_id or a property with unique values. */
  isIdProperty(type: CrmObjectType, idProperty: string): boolean {
    return idProperty === 'hs_object_id' || this.def(type, idProperty)?.unique === true;
  }

  /** Why these properties cannot be written to `record` (new when undefined), or undefined when they can. */
  check(type: CrmObjectType, props: Record<string, string>, record?: CrmRecord): WriteFailure | undefined {
    const unknown = Object.keys(props).filter((p) => !this.def(type, p));
    if (unknown.length) {
      return {
        status: 400,
        category: 'VALIDATION_ERROR',
        message: `Property values were not valid: ${unknown.map((p) => `Property "${p}" does not exist`).join('; ')}`,
        errors: unknown.map((p) => ({ message: `Property "${p}" does not exist`, code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: [p] } })),
        context: { propertyName: unknown },
      };
    }
    const readOnly = Object.keys(props).filter((p) => this.def(type, p)?.readOnly);
    if (readOnly.length) {
      return {
        status: 400,
        category: 'VALIDATION_ERROR',
        message: `Property values were not valid: ${readOnly.map((p) => `"${p}" is a read only property; its value cannot be set.`).join('; ')}`,
        errors: readOnly.map((p) => ({ message: `"${p}" is a read only property; its value cannot be set.`, code: 'READ_ONLY_VALUE', context: { propertyName: [p] } })),
        context: { propertyName: readOnly },
      };
    }
    if (props.email !== undefined && props.email !== '' && type === 'contacts' && !emailSchema.safeParse(props.email).success) {
      return {
        status: 400,
        category: 'VALIDATION_ERROR',
        message: `Property values were not valid: Email address ${props.email} is invalid`,
        errors: [{ message: `Email address ${props.email} is invalid`, code: 'INVALID_EMAIL', context: { propertyName: ['email'] } }],
        context: { propertyName: ['email'] },
      };
    }
    for (const [name, value] of Object.entries(props)) {
      if (!this.def(type, name)?.unique || value === '') continue;
      const owner = this.unique.get(uniqueKey(type, name, normalise(name, value)));
      if (owner !== undefined && owner !== record?.id) {
        return {
          status: 409,
          category: 'CONFLICT',
          message: `A ${type === 'contacts' ? 'contact' : 'company'} with ${name} ${value} already exists. Existing ID: ${owner}`,
          errors: [{ message: `${name} must be unique`, code: 'CONFLICT', context: { propertyName: [name] } }],
          context: { existingId: [owner] },
        };
      }
    }
    return undefined;
  }

  create(type: CrmObjectType, props: Record<string, string>, source: ChangeSource): CrmRecord {
    const d = this.data();
    const id = String(type === 'contacts' ? d.nextIds.contact++ : d.nextIds.company++);
    const at = new Date(source.atMs).toISOString();
    const record: CrmRecord = {
      id,
      properties: { hs_object_id: id, createdate: at, [MODIFIED[type]]: at },
      history: {},
      createdAt: at,
      updatedAt: at,
      archived: false,
      archivedAt: null,
      writes: { api: 0, apiUnchanged: 0, ui: 0 },
    };
    this.records(type)[id] = record;
    this.emit({ objectType: type, objectId: id, kind: 'creation', source });
    this.write(type, record, props, source);
    return record;
  }

  /**
   * Writes properties (checked by `check` first): a value equal to the current one changes
   * nothing and leaves no history; a change is recorded newest first with its time and source, and
   * moves `updatedAt` when it is the newest change of the record. Answers the properties changed.
   */
  write(type: CrmObjectType, record: CrmRecord, props: Record<string, string>, source: ChangeSource): string[] {
    const changed: string[] = [];
    const at = new Date(source.atMs).toISOString();
    for (const [name, raw] of Object.entries(props)) {
      const value = normalise(name, raw);
      const current = record.properties[name];
      if (current === value || (current === undefined && value === '')) continue;
      if (this.def(type, name)?.unique) {
        const old = record.properties[name];
        if (old) this.unique.delete(uniqueKey(type, name, old));
        if (value !== '') this.unique.set(uniqueKey(type, name, value), record.id);
      }
      record.properties[name] = value;
      const entry: HistoryEntry = { value, timestamp: at, sourceType: source.sourceType, sourceId: source.sourceId, updatedByUserId: source.updatedByUserId };
      // Newest first; of two changes with the same time, the later write first (the sort is stable).
      const history = [entry, ...(record.history[name] ?? [])].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
      record.history[name] = history;
      changed.push(name);
    }
    if (source.sourceType === 'CRM_UI') record.writes.ui++;
    else {
      record.writes.api++;
      if (changed.length === 0) record.writes.apiUnchanged++;
    }
    if (changed.length && at > record.updatedAt) {
      record.updatedAt = at;
      record.properties[MODIFIED[type]] = at;
    }
    for (const name of changed) this.emit({ objectType: type, objectId: record.id, kind: 'propertyChange', propertyName: name, propertyValue: record.properties[name], source });
    return changed;
  }

  archive(type: CrmObjectType, record: CrmRecord, source: ChangeSource): void {
    if (record.archived) return;
    this.unindex(type, record);
    record.archived = true;
    record.archivedAt = new Date(source.atMs).toISOString();
    this.data().associations = this.data().associations.filter((a) => (type === 'contacts' ? a.contactId : a.companyId) !== record.id);
    this.emit({ objectType: type, objectId: record.id, kind: 'deletion', source });
  }

  /** GDPR delete: the contact is gone for good, with its history and associations. */
  erase(record: CrmRecord, source: ChangeSource): void {
    this.unindex('contacts', record);
    delete this.records('contacts')[record.id];
    this.data().associations = this.data().associations.filter((a) => a.contactId !== record.id);
    this.emit({ objectType: 'contacts', objectId: record.id, kind: 'privacyDeletion', source });
  }

  /** HubSpot's object answer: the requested properties (or the default ones) and, when asked, their history. */
  serialize(
    type: CrmObjectType,
    r: CrmRecord,
    opts: { properties?: string[]; written?: string[]; withHistory?: string[]; associations?: Record<string, unknown> } = {},
  ): Record<string, unknown> {
    const names = new Set(opts.properties?.length ? [...opts.properties, 'hs_object_id', 'createdate', MODIFIED[type]] : [...DEFAULT_READ[type], ...(opts.written ?? [])]);
    const properties: Record<string, string | null> = {};
    for (const n of [...names].sort()) if (this.def(type, n)) properties[n] = r.properties[n] ?? null;
    const out: Record<string, unknown> = { id: r.id, properties };
    if (opts.withHistory?.length) {
      const history: Record<string, unknown[]> = {};
      for (const n of opts.withHistory) {
        if (!this.def(type, n)) continue;
        history[n] = (r.history[n] ?? []).map((h) => ({
          value: h.value,
          timestamp: h.timestamp,
          sourceType: h.sourceType,
          ...(h.sourceId !== null ? { sourceId: h.sourceId } : {}),
          ...(h.updatedByUserId !== null ? { updatedByUserId: h.updatedByUserId } : {}),
        }));
      }
      out.propertiesWithHistory = history;
    }
    Object.assign(out, { createdAt: r.createdAt, updatedAt: r.updatedAt, archived: r.archived });
    if (r.archivedAt) out.archivedAt = r.archivedAt;
    if (opts.associations) out.associations = opts.associations;
    return out;
  }

  private index(type: CrmObjectType, r: CrmRecord): void {
    for (const d of this.defs(type)) if (d.unique && r.properties[d.name]) this.unique.set(uniqueKey(type, d.name, r.properties[d.name]!), r.id);
  }

  private unindex(type: CrmObjectType, r: CrmRecord): void {
    for (const d of this.defs(type)) {
      const v = r.properties[d.name];
      if (d.unique && v && this.unique.get(uniqueKey(type, d.name, v)) === r.id) this.unique.delete(uniqueKey(type, d.name, v));
    }
  }
}

const uniqueKey = (type: CrmObjectType, prop: string, value: string): string => `${type}\u0000${prop}\u0000${value}`;

/** HubSpot keeps email addresses in lower case; other values as sent. */
const normalise = (name: string, value: string): string => (name === 'email' ? value.trim().toLowerCase() : value);
