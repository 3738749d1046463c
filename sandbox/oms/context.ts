import type { Request } from 'express';
import type { FaultRegistry } from '../faults';
import type { KeyRateLimits } from './rate-limit';
import type { ShipNotifier } from './ship-notifier';
import type { OmsSandboxData } from './state';

/** What every part of the OMS sandbox shares. */
export interface OmsContext {
  readonly data: OmsSandboxData;
  now: () => number;
  /** Marks the data dirty so it is persisted. */
  changed: () => void;
  faults: FaultRegistry;
  limits: KeyRateLimits;
  notifier: ShipNotifier;
  /** PUT /__sandbox/outage: every API call answers 503 while down. */
  outage: { down: boolean; rejected?: number };
  /** Absolute base URL for links the sandbox hands out (SHIP_NOTIFY's resource_url). */
  publicUrl: (req?: Request) => string;
  /** Fresh data (webhook subscriptions kept: they belong to the account), POST /__sandbox/reset. */
  reset: () => void;
}
