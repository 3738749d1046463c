/**
 * What the CRM sandbox (HubSpot CRM v3 shape) keeps, as plain JSON (persisted as crm.json).
 * Records keep their property values as HubSpot does (strings), and every change of a property
 * with its time and source (newest first), which is what HubSpot's `propertiesWithHistory`
 * answers and what "latest change wins" needs.
 */
export const OBJECT_TYPES = ['contacts', 'companies'] as const;
export type CrmObjectType = (typeof OBJECT_TYPES)[number];

/** One value a property had, as `propertiesWithHistory` lists it. */
export interface HistoryEntry {
  value: string;
  timestamp: string;
  /** INTEGRATION for API writes (the private app), CRM_UI for a user's change in HubSpot. */
  sourceType: 'INTEGRATION' | 'CRM_UI';
  sourceId: string | null;
  updatedByUserId: number | null;
}

export interface CrmRecord {
  id: string;
  properties: Record<string, string>;
  /** Per property, newest first. */
  history: Record<string, HistoryEntry[]>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt: string | null;
  /** API writes that reached this record, those that changed nothing, and users' changes through the control. */
  writes: { api: number; apiUnchanged: number; ui: number };
}

export interface Association {
  contactId: string;
  companyId: string;
  createdAt: string;
}

export interface GdprDeletion {
  objectType: 'contacts';
  objectId: string;
  /** What the request named the contact by (the email when idProperty was email). */
  requestedAs: { objectId: string; idProperty: string | null };
  atMs: number;
}

export interface PropertyDefinition {
  name: string;
  /** HubSpot's `hasUniqueValue`: upserts and reads may name records by it. */
  unique: boolean;
  /** Set by HubSpot, refused in writes. */
  readOnly: boolean;
}

export interface WebhookSubscription {
  id: number;
  /** "contact.propertyChange", "contact.creation", "contact.deletion", "contact.privacyDeletion", "company.*". */
  subscriptionType: string;
  /** For propertyChange subscriptions: the property they watch. */
  propertyName: string | null;
  active: boolean;
}

/** The app's webhook settings (HubSpot keeps them on the app, so a reset keeps them too). */
export interface WebhookSettings {
  targetUrl: string | null;
  /** The app's client secret: the key of X-HubSpot-Signature-v3. */
  clientSecret: string;
  appId: number;
  subscriptions: WebhookSubscription[];
  /** Changes made through the API (our own writes) are delivered too, as HubSpot does. */
  includeIntegrationChanges: boolean;
  /** Events are gathered this long, then sent in requests of at most maxEventsPerRequest. */
  batchWindowMs: number;
  maxEventsPerRequest: number;
  retryDelaysMs: number[];
  timeoutMs: number;
}

export interface CrmSandboxData {
  portalId: number;
  nextIds: { contact: number; company: number; event: number; subscription: number; user: number };
  contacts: Record<string, CrmRecord>;
  companies: Record<string, CrmRecord>;
  associations: Association[];
  gdprDeletions: GdprDeletion[];
  properties: Record<CrmObjectType, PropertyDefinition[]>;
  webhooks: WebhookSettings;
}

const prop = (name: string, unique = false, readOnly = false): PropertyDefinition => ({ name, unique, readOnly });

/**
 * HubSpot's own properties the product is likely to write, and custom ones for BigCommerce's data
 * (a custom unique key per object type). More through `PUT /__sandbox/properties`.
 */
export function defaultProperties(): Record<CrmObjectType, PropertyDefinition[]> {
  const readOnly = (names: string[]) => names.map((n) => prop(n, false, true));
  return {
    contacts: [
      prop('email', true),
      ...['firstname', 'lastname', 'phone', 'mobilephone', 'company', 'website', 'jobtitle', 'address', 'city', 'state', 'zip', 'country', 'lifecyclestage', 'hs_lead_status'].map(
        (n) => prop(n),
      ),
      prop('bigcommerce_customer_id', true),
      ...[
        'bigcommerce_customer_group',
        'bigcommerce_price_list',
        'bigcommerce_company',
        'bigcommerce_orders_count',
        'bigcommerce_total_spent',
        'bigcommerce_first_order_date',
        'bigcommerce_last_order_date',
        'bigcommerce_last_order_id',
        'bigcommerce_accepts_marketing',
      ].map((n) => prop(n)),
      ...readOnly(['hs_object_id', 'createdate', 'lastmodifieddate']),
    ],
    companies: [
      ...['name', 'domain', 'phone', 'address', 'city', 'state', 'zip', 'country', 'industry', 'lifecyclestage'].map((n) => prop(n)),
      prop('bigcommerce_company_key', true),
      prop('bigcommerce_customer_group'),
      ...readOnly(['hs_object_id', 'createdate', 'hs_lastmodifieddate']),
    ],
  };
}

export const DEFAULT_WEBHOOK_SETTINGS: Omit<WebhookSettings, 'subscriptions'> = {
  targetUrl: null,
  clientSecret: 'sandbox-crm-client-secret',
  appId: 424242,
  includeIntegrationChanges: true,
  batchWindowMs: 50,
  maxEventsPerRequest: 100,
  retryDelaysMs: [1_000, 5_000, 30_000],
  timeoutMs: 5_000,
};

export const DEFAULT_PORTAL_ID = 12345678;

export function freshCrmData(webhooks?: WebhookSettings, properties?: Record<CrmObjectType, PropertyDefinition[]>): CrmSandboxData {
  return {
    portalId: DEFAULT_PORTAL_ID,
    nextIds: { contact: 1000001, company: 2000001, event: 1, subscription: 1, user: 9000001 },
    contacts: {},
    companies: {},
    associations: [],
    gdprDeletions: [],
    properties: properties ?? defaultProperties(),
    webhooks: webhooks ?? { ...DEFAULT_WEBHOOK_SETTINGS, subscriptions: [] },
  };
}

/** Saved data when it looks like ours, a fresh start otherwise (an older or foreign file). */
export function loadOrFreshCrm(saved: unknown): CrmSandboxData {
  const d = saved as Partial<CrmSandboxData> | undefined;
  if (d && typeof d === 'object' && d.nextIds && d.contacts && d.companies && Array.isArray(d.associations) && Array.isArray(d.gdprDeletions) && d.properties && d.webhooks) {
    return d as CrmSandboxData;
  }
  return freshCrmData();
}

/** "contacts" -> "contact", as webhook subscription types name objects. */
export const singular = (t: CrmObjectType): string => (t === 'contacts' ? 'contact' : 'company');
