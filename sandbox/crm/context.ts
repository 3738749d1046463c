import type { CallLog } from '../call-log';
import type { FaultRegistry } from '../faults';
import type { ChangeSource, CrmStore } from './objects';
import type { RollingRateLimit } from './rate-limit';
import type { CrmObjectType, CrmSandboxData } from './state';
import type { ChangeEmitter } from './webhooks';

/** Writes counted since the start or the last reset (the records keep per-record counts too). */
export interface WriteCounters {
  created: Record<CrmObjectType, number>;
  /** API writes that changed at least one property of an existing record. */
  updated: Record<CrmObjectType, number>;
  /** API writes to an existing record that changed nothing (the same values again). */
  unchanged: Record<CrmObjectType, number>;
  /** Users' changes through PATCH /__sandbox/{type}/{id}. */
  userChanges: Record<CrmObjectType, number>;
  archived: Record<CrmObjectType, number>;
  gdprDeleted: number;
  associations: { created: number; existing: number; removed: number };
}

export const freshCounters = (): WriteCounters => ({
  created: { contacts: 0, companies: 0 },
  updated: { contacts: 0, companies: 0 },
  unchanged: { contacts: 0, companies: 0 },
  userChanges: { contacts: 0, companies: 0 },
  archived: { contacts: 0, companies: 0 },
  gdprDeleted: 0,
  associations: { created: 0, existing: 0, removed: 0 },
});

/** What every part of the CRM sandbox shares. */
export interface CrmContext {
  readonly data: CrmSandboxData;
  readonly store: CrmStore;
  now: () => number;
  /** An API write's source: the private app, now. */
  apiSource: () => ChangeSource;
  changed: () => void;
  limits: RollingRateLimit;
  calls: CallLog;
  counters: WriteCounters;
  emitter: ChangeEmitter;
  faults: FaultRegistry;
  /** Fresh records and counters; the app's webhook settings and property definitions are kept. */
  reset: () => void;
}
