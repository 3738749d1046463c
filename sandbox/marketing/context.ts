import type { Request } from 'express';
import type { CallLog } from '../call-log';
import type { FaultRegistry } from '../faults';
import type { ProfileStore } from './profiles';
import type { OperationRateLimits } from './rate-limit';
import type { MarketingSandboxData } from './state';

/** What every part of the marketing sandbox shares. */
export interface MarketingContext {
  readonly data: MarketingSandboxData;
  readonly store: ProfileStore;
  now: () => number;
  nowIso: () => string;
  /** Marks the data dirty so it is persisted. */
  changed: () => void;
  limits: OperationRateLimits;
  calls: CallLog;
  faults: FaultRegistry;
  /** `revision` header values seen, with how many calls sent each. */
  revisions: Record<string, number>;
  /** Absolute base URL for the `links` the sandbox hands out. */
  publicUrl: (req?: Request) => string;
  /** Fresh data, counters and log (POST /__sandbox/reset). */
  reset: () => void;
}
