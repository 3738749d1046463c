import { z } from 'zod';
import { invalid, KlRequestError } from './errors';
import type { ProfileAttributes, ProfileMeta } from './schemas';
import { type KlEvent, type KlProfile, type MarketingSandboxData, PROFILE_FIELDS, type ProfileField, profileId } from './state';

/** The identifiers a profile is found by, in the order they are tried when they disagree. */
const IDENTIFIERS = ['external_id', 'email', 'phone_number'] as const;
type Identifier = (typeof IDENTIFIERS)[number];

const E164 = /^\+[1-9]\d{1,14}$/;
const emailSchema = z.email();

const key = (field: Identifier, value: string): string => `${field}:${field === 'email' ? value.toLowerCase() : value}`;

/**
 * Profiles and their identifier indexes (email case-insensitively, phone number, external id), and
 * the event de-duplication index, rebuilt from the data when it is loaded or reset.
 */
export class ProfileStore {
  private byIdentifier = new Map<string, string>();
  private eventKeys = new Map<string, string>();

  constructor(private readonly data: () => MarketingSandboxData) {
    this.rebuild();
  }

  rebuild(): void {
    this.byIdentifier.clear();
    this.eventKeys.clear();
    for (const p of Object.values(this.data().profiles)) this.index(p);
    for (const e of this.data().events) this.eventKeys.set(eventKey(e.profileId, e.metricId, e.uniqueId), e.id);
  }

  get(id: string): KlProfile | undefined {
    return this.data().profiles[id];
  }

  /** The distinct profiles the given identifiers point at, in IDENTIFIERS order. */
  matches(ids: Partial<Record<Identifier, string | null | undefined>>): KlProfile[] {
    const found: KlProfile[] = [];
    for (const field of IDENTIFIERS) {
      const value = ids[field];
      if (!value) continue;
      const id = this.byIdentifier.get(key(field, value));
      const p = id ? this.get(id) : undefined;
      if (p && !found.includes(p)) found.push(p);
    }
    return found;
  }

  create(nowIso: string): KlProfile {
    const d = this.data();
    const p: KlProfile = {
      id: profileId(d.nextIds.profile++),
      fields: Object.fromEntries(PROFILE_FIELDS.map((f) => [f, null])) as Record<ProfileField, string | null>,
      anonymousId: null,
      location: {},
      properties: {},
      created: nowIso,
      updated: nowIso,
      lastEventDate: null,
      subscriptions: {},
    };
    d.profiles[p.id] = p;
    return p;
  }

  /**
   * Writes attributes as Klaviyo does: a field sent as null is cleared, a field not sent is left
   * alone; `properties` merge key by key (null clears them all); `meta.patch_properties` appends,
   * unappends and unsets. Identifiers are checked (email syntax, E.164 phone numbers) and must not
   * belong to another profile (409 `duplicate_profile`). Answers whether anything changed.
   */
  apply(p: KlProfile, attrs: ProfileAttributes & { anonymous_id?: string | null }, meta: ProfileMeta | undefined, nowIso: string, pointer = '/data/attributes'): boolean {
    validateIdentifiers(attrs, pointer);
    for (const field of IDENTIFIERS) {
      const value = attrs[field];
      if (!value) continue;
      const owner = this.byIdentifier.get(key(field, value));
      if (owner !== undefined && owner !== p.id) {
        throw new KlRequestError({
          status: 409,
          code: 'duplicate_profile',
          title: 'Conflict.',
          detail: `A profile already exists with one of these identifiers (${field}).`,
          source: { pointer: `${pointer}/${field}` },
          meta: { duplicate_profile_id: owner },
        });
      }
    }
    const before = JSON.stringify(p);
    this.unindex(p);
    for (const f of PROFILE_FIELDS) if (attrs[f] !== undefined) p.fields[f] = attrs[f] ?? null;
    if (attrs.anonymous_id !== undefined) p.anonymousId = attrs.anonymous_id ?? null;
    if (attrs.location !== undefined) p.location = { ...p.location, ...attrs.location };
    if (attrs.properties === null) p.properties = {};
    else if (attrs.properties) Object.assign(p.properties, attrs.properties);
    const patch = meta?.patch_properties;
    if (patch?.append) {
      for (const [k, v] of Object.entries(patch.append)) {
        const current = p.properties[k];
        p.properties[k] = [...(Array.isArray(current) ? current : current === undefined || current === null ? [] : [current]), ...(Array.isArray(v) ? v : [v])];
      }
    }
    if (patch?.unappend) {
      for (const [k, v] of Object.entries(patch.unappend)) {
        const current = p.properties[k];
        if (Array.isArray(current)) p.properties[k] = current.filter((x) => !(Array.isArray(v) ? v : [v]).includes(x));
      }
    }
    if (patch?.unset) for (const k of Array.isArray(patch.unset) ? patch.unset : [patch.unset]) delete p.properties[k];
    this.index(p);
    const changed = JSON.stringify(p) !== before;
    if (changed) p.updated = nowIso;
    return changed;
  }

  /** Erases a profile, its events and its de-duplication keys. Answers how many events went. */
  erase(p: KlProfile): number {
    const d = this.data();
    this.unindex(p);
    delete d.profiles[p.id];
    const kept: KlEvent[] = [];
    let erased = 0;
    for (const e of d.events) {
      if (e.profileId === p.id) {
        this.eventKeys.delete(eventKey(e.profileId, e.metricId, e.uniqueId));
        erased++;
      } else kept.push(e);
    }
    d.events = kept;
    d.duplicates = d.duplicates.filter((x) => x.profileId !== p.id);
    return erased;
  }

  recordedEvent(profileIdValue: string, metricIdValue: string, uniqueId: string): string | undefined {
    return this.eventKeys.get(eventKey(profileIdValue, metricIdValue, uniqueId));
  }

  addEvent(e: KlEvent): void {
    this.data().events.push(e);
    this.eventKeys.set(eventKey(e.profileId, e.metricId, e.uniqueId), e.id);
  }

  private index(p: KlProfile): void {
    for (const field of IDENTIFIERS) {
      const value = p.fields[field];
      if (value) this.byIdentifier.set(key(field, value), p.id);
    }
  }

  private unindex(p: KlProfile): void {
    for (const field of IDENTIFIERS) {
      const value = p.fields[field];
      if (value && this.byIdentifier.get(key(field, value)) === p.id) this.byIdentifier.delete(key(field, value));
    }
  }
}

const eventKey = (profile: string, metric: string, uniqueId: string): string => `${profile}\u0000${metric}\u0000${uniqueId}`;

/** Klaviyo refuses a malformed email and a phone number not in E.164 (400, pointing at the field). */
export function validateIdentifiers(attrs: { email?: string | null; phone_number?: string | null }, pointer = '/data/attributes'): void {
  if (attrs.email && !emailSchema.safeParse(attrs.email).success) throw invalid('Invalid email address', { pointer: `${pointer}/email` });
  if (attrs.phone_number && !E164.test(attrs.phone_number)) {
    throw invalid('Invalid phone number format (Example of a valid phone number format: +12345678901)', { pointer: `${pointer}/phone_number` });
  }
}

/** At least one identifier a profile can be found or made by. */
export function hasIdentifier(attrs: { email?: string | null; phone_number?: string | null; external_id?: string | null; anonymous_id?: string | null }): boolean {
  return Boolean(attrs.email || attrs.phone_number || attrs.external_id || attrs.anonymous_id);
}

/** The JSON:API resource object of a profile, as Klaviyo answers it. */
export function serializeProfile(p: KlProfile, baseUrl: string, opts: { subscriptions?: boolean } = {}): Record<string, unknown> {
  const self = `${baseUrl}/api/profiles/${p.id}/`;
  const attributes: Record<string, unknown> = {
    ...p.fields,
    created: p.created,
    updated: p.updated,
    last_event_date: p.lastEventDate,
    location: {
      address1: null,
      address2: null,
      city: null,
      country: null,
      latitude: null,
      longitude: null,
      region: null,
      zip: null,
      timezone: null,
      ip: null,
      ...p.location,
    },
    properties: p.properties,
  };
  if (opts.subscriptions) attributes.subscriptions = serializeSubscriptions(p);
  return {
    type: 'profile',
    id: p.id,
    attributes,
    relationships: {
      lists: { links: { self: `${self}relationships/lists/`, related: `${self}lists/` } },
      segments: { links: { self: `${self}relationships/segments/`, related: `${self}segments/` } },
    },
    links: { self },
  };
}

/** `additional-fields[profile]=subscriptions`: the email and SMS channels' consent, NEVER_SUBSCRIBED when never given. */
function serializeSubscriptions(p: KlProfile): Record<string, unknown> {
  const state = (channel: string) => p.subscriptions[channel];
  const email = state('email.marketing');
  const sms = state('sms.marketing');
  const smsTx = state('sms.transactional');
  return {
    email: {
      marketing: {
        can_receive_email_marketing: email?.consent === 'SUBSCRIBED',
        consent: email?.consent ?? 'NEVER_SUBSCRIBED',
        consent_timestamp: email?.consentTimestamp ?? null,
        last_updated: email?.lastUpdated ?? null,
        method: email?.method ?? null,
        method_detail: null,
        custom_method_detail: email?.customMethodDetail ?? null,
        double_optin: null,
        suppression: email?.consent === 'UNSUBSCRIBED' ? [{ reason: 'UNSUBSCRIBE', timestamp: email.lastUpdated }] : [],
        list_suppressions: [],
      },
    },
    sms: {
      marketing: {
        can_receive_sms_marketing: sms?.consent === 'SUBSCRIBED',
        consent: sms?.consent ?? 'NEVER_SUBSCRIBED',
        consent_timestamp: sms?.consentTimestamp ?? null,
        method: sms?.method ?? null,
        method_detail: sms?.customMethodDetail ?? null,
        last_updated: sms?.lastUpdated ?? null,
      },
      transactional: {
        can_receive_sms_transactional: smsTx?.consent === 'SUBSCRIBED',
        consent: smsTx?.consent ?? 'NEVER_SUBSCRIBED',
        consent_timestamp: smsTx?.consentTimestamp ?? null,
        method: smsTx?.method ?? null,
        method_detail: smsTx?.customMethodDetail ?? null,
        last_updated: smsTx?.lastUpdated ?? null,
      },
    },
  };
}
