/**
 * What the marketing sandbox (Klaviyo's shape) keeps, as plain JSON (persisted as marketing.json).
 * Profiles hold Klaviyo's profile attributes; consent is kept per channel on the profile (its
 * current state) and as an append-only log (every grant and withdrawal with its source); events
 * keep their `unique_id`, so de-duplication survives a restart.
 */

/** Klaviyo's profile location object; every field optional and nullable. */
export interface KlLocation {
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  country?: string | null;
  latitude?: string | number | null;
  longitude?: string | number | null;
  region?: string | null;
  zip?: string | null;
  timezone?: string | null;
  ip?: string | null;
}

/** The profile attributes a client may write (profile-import, create, PATCH, an event's profile). */
export const PROFILE_FIELDS = ['email', 'phone_number', 'external_id', 'first_name', 'last_name', 'organization', 'locale', 'title', 'image'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** One channel's consent on a profile ("email.marketing", "sms.marketing", ...). */
export interface ConsentState {
  consent: 'SUBSCRIBED' | 'UNSUBSCRIBED';
  /** When consent was given (the job's `consented_at` in a historical import, else when the job ran). */
  consentTimestamp: string | null;
  lastUpdated: string;
  method: string;
  /** The subscribe job's `custom_source`: where the consent was gathered. */
  customMethodDetail: string | null;
  listId: string | null;
}

export interface KlProfile {
  id: string;
  fields: Record<ProfileField, string | null>;
  anonymousId: string | null;
  location: KlLocation;
  properties: Record<string, unknown>;
  created: string;
  updated: string;
  lastEventDate: string | null;
  /** Consent per channel; a channel never consented to is absent (NEVER_SUBSCRIBED). */
  subscriptions: Record<string, ConsentState>;
}

/** One grant or withdrawal of consent, as a subscription job recorded it. */
export interface ConsentRecord {
  seq: number;
  jobId: string;
  operation: 'bulk_subscribe_profiles' | 'bulk_unsubscribe_profiles';
  profileId: string;
  email: string | null;
  phoneNumber: string | null;
  /** "email.marketing", "sms.marketing", "sms.transactional", ... */
  channel: string;
  consent: 'SUBSCRIBED' | 'UNSUBSCRIBED';
  /** `custom_source` of a subscribe job (null when not given, and for withdrawals: the API takes none). */
  source: string | null;
  consentedAt: string | null;
  historicalImport: boolean;
  listId: string | null;
  atMs: number;
}

export interface KlMetric {
  id: string;
  name: string;
  service: string | null;
}

export interface KlEvent {
  id: string;
  metricId: string;
  metricName: string;
  profileId: string;
  /** As sent, or the event's time to the second when none was sent (Klaviyo's default). */
  uniqueId: string;
  time: string;
  value: number | null;
  valueCurrency: string | null;
  properties: Record<string, unknown>;
  /** `backfill: true`: recorded without triggering flows. */
  backfill: boolean;
  /** Whether the event would have triggered flows (not a backfill). */
  flowsTriggered: boolean;
  receivedMs: number;
}

/** An event the sandbox accepted (202) but did not record: its unique_id was already recorded for that profile and metric. */
export interface DuplicateEvent {
  uniqueId: string;
  profileId: string;
  metricName: string;
  /** The id of the event that was kept. */
  keptEventId: string;
  atMs: number;
}

export interface DeletionRecord {
  jobId: string;
  /** The one identifier the request named. */
  identifier: { email?: string; phone_number?: string; id?: string };
  /** Profiles erased (none when nothing matched: the job is accepted anyway). */
  profileIds: string[];
  eventsDeleted: number;
  consentRecordsDeleted: number;
  atMs: number;
}

export interface MarketingSandboxData {
  nextIds: { profile: number; event: number; metric: number; job: number; consent: number };
  profiles: Record<string, KlProfile>;
  metrics: Record<string, KlMetric>;
  events: KlEvent[];
  duplicates: DuplicateEvent[];
  consent: ConsentRecord[];
  deletions: DeletionRecord[];
}

export function freshMarketingData(): MarketingSandboxData {
  return { nextIds: { profile: 1, event: 1, metric: 1, job: 1, consent: 1 }, profiles: {}, metrics: {}, events: [], duplicates: [], consent: [], deletions: [] };
}

/** Saved data when it looks like ours, a fresh start otherwise (an older or foreign file). */
export function loadOrFreshMarketing(saved: unknown): MarketingSandboxData {
  const d = saved as Partial<MarketingSandboxData> | undefined;
  if (
    d &&
    typeof d === 'object' &&
    d.nextIds &&
    d.profiles &&
    d.metrics &&
    Array.isArray(d.events) &&
    Array.isArray(d.duplicates) &&
    Array.isArray(d.consent) &&
    Array.isArray(d.deletions)
  ) {
    return d as MarketingSandboxData;
  }
  return freshMarketingData();
}

/** Klaviyo profile ids are 26-character ULIDs; the sandbox's are ULID-shaped and count up. */
export const profileId = (n: number): string => `01KSBX${String(n).padStart(20, '0')}`;
/** Klaviyo metric ids are six letters and digits. */
export const metricId = (n: number): string => `M${n.toString(36).toUpperCase().padStart(5, '0')}`;
export const eventId = (n: number): string => `EV${String(n).padStart(9, '0')}`;
export const jobId = (n: number): string => `JOB${String(n).padStart(7, '0')}`;
