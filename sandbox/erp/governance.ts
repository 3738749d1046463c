import type { RequestHandler } from 'express';
import { FaultRegistry } from '../bigcommerce/faults';
import { netSuiteError } from './netsuite-errors';

/**
 * What makes NetSuite hard to integrate with, on demand (shared/connectors/FACTS.md section 2):
 * - one account-wide concurrency limit: requests beyond it get 429 CONCURRENCY_LIMIT_EXCEEDED;
 * - processing time (so concurrency is real), random 5xx, full outages, per-route faults.
 */
export interface ErpGovernanceSettings {
  /** Requests in flight at once; NetSuite's developer accounts allow 5. 0 = unlimited. */
  concurrencyLimit: number;
  /** Time each record request takes, ms. */
  processingMs: number;
  /** Probability in [0, 1] that a request fails with 500 UNEXPECTED_ERROR (after processing). */
  errorRate: number;
  /** Every record request answers 503 while true. */
  outage: boolean;
}

/** The account limit governanceLimits reports while the sandbox has none (concurrencyLimit 0). */
export const UNLIMITED_REPORTED = 1000;

export class ErpGovernance {
  settings: ErpGovernanceSettings = { concurrencyLimit: 0, processingMs: 0, errorRate: 0, outage: false };
  readonly faults: FaultRegistry;
  /**
   * `peakInFlight`: requests admitted at once (never above the limit); `peakDemand`: the most in
   * flight plus the one arriving, refused or not (above the limit: a client sent more than it may).
   */
  readonly stats = { requests: 0, concurrencyRejected: 0, errors: 0, outageRejected: 0, peakInFlight: 0, peakDemand: 0 };
  private inFlight = 0;

  constructor(private readonly random: () => number = Math.random) {
    this.faults = new FaultRegistry(random);
  }

  /**
   * `GET /services/rest/system/v1/governanceLimits` (ns:article_0625010817): the configured limit as
   * the account's, all of it unallocated, and this integration sharing it (`accountLimit`: no limit
   * of its own). Unlimited (0) is answered as UNLIMITED_REPORTED, a limit no share reaches.
   */
  limits(): { accountConcurrencyLimit: number; accountUnallocatedConcurrencyLimit: number; integrationLimitType: 'accountLimit' } {
    const limit = this.settings.concurrencyLimit > 0 ? this.settings.concurrencyLimit : UNLIMITED_REPORTED;
    return { accountConcurrencyLimit: limit, accountUnallocatedConcurrencyLimit: limit, integrationLimitType: 'accountLimit' };
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      this.stats.requests++;
      if (this.settings.outage) {
        this.stats.outageRejected++;
        res.status(503).json(netSuiteError(503, 'Service Unavailable', 'The NetSuite service is temporarily unavailable.', 'SERVICE_UNAVAILABLE'));
        return;
      }
      this.stats.peakDemand = Math.max(this.stats.peakDemand, this.inFlight + 1);
      if (this.settings.concurrencyLimit > 0 && this.inFlight >= this.settings.concurrencyLimit) {
        this.stats.concurrencyRejected++;
        // NetSuite says "Bad Request" in the title of its 429 (FACTS.md section 2).
        res.status(429).json(netSuiteError(429, 'Bad Request', 'Concurrent request limit exceeded. Request blocked.', 'CONCURRENCY_LIMIT_EXCEEDED'));
        return;
      }
      this.inFlight++;
      this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.inFlight);
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          this.inFlight--;
        }
      };
      res.once('finish', release);
      res.once('close', release);
      const proceed = () => {
        if (this.settings.errorRate > 0 && this.random() < this.settings.errorRate) {
          this.stats.errors++;
          res.status(500).json(netSuiteError(500, 'Internal Server Error', 'An unexpected error occurred.', 'UNEXPECTED_ERROR'));
          return;
        }
        this.faults.middleware()(req, res, next);
      };
      if (this.settings.processingMs > 0) setTimeout(proceed, this.settings.processingMs);
      else proceed();
    };
  }
}
