import type { FetchLike } from '../connectors/http';
import { governedFetch } from '../connectors/erp/netsuite/governed-fetch';
import { erpLoginRejections } from '../connectors/erp/netsuite/login-rejections';
import { erpInFlight, erpRejected, erpWaiting } from '../lib/metrics';
import type { Config } from './env';

/** Which kind of process makes the ERP requests: its budget and its metrics' `process` label. */
export type ErpProcessRole = 'worker' | 'api';

/** At least this many 401 "Invalid login attempt" answers before a streak can be a credentials problem. */
const MIN_LOGIN_REJECTIONS = 5;

const governed = new Map<ErpProcessRole, WeakMap<FetchLike, FetchLike>>();

/**
 * The fetch every NetSuite client of this process uses (one per role and underlying fetch, so a
 * client made per request still shares the slots): at most `slotsPerWorkerProcess` requests in
 * flight in a worker, `ERP_API_CONCURRENCY` in the API, with the in-flight, waiting and rejected
 * metrics, and the process's login watch set to ERP_LOGIN_REJECTED_ALERT_AFTER.
 */
export function erpGovernedFetch(config: Config, role: ErpProcessRole, base: FetchLike = fetch): FetchLike {
  const byBase = governed.get(role) ?? new WeakMap<FetchLike, FetchLike>();
  governed.set(role, byBase);
  const existing = byBase.get(base);
  if (existing) return existing;
  erpLoginRejections.configure({ persistAfterMs: config.erpGovernance.loginRejectedAfterMs, minRejections: MIN_LOGIN_REJECTIONS });
  const labels = { process: role };
  const made = governedFetch({
    maxInFlight: role === 'worker' ? config.erpGovernance.slotsPerWorkerProcess : config.erpGovernance.apiConcurrency,
    fetch: base,
    watch: erpLoginRejections,
    onInFlight: (inFlight, waiting) => {
      erpInFlight.set(labels, inFlight);
      erpWaiting.set(labels, waiting);
    },
    onBackPressure: (reason) => erpRejected.inc({ ...labels, reason }),
  });
  byBase.set(base, made);
  return made;
}
