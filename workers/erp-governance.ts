import type { Client } from '@temporalio/client';
import { raiseAlert } from '../clients/monitoring';
import type { Config } from '../config/env';
import type { NetSuiteClient } from '../connectors/erp/netsuite/client';
import { judgeShare, readGovernanceLimits } from '../connectors/erp/netsuite/governance-limits';
import { erpLoginRejections, type LoginRejectionWatch } from '../connectors/erp/netsuite/login-rejections';
import type { Logger } from '../lib/logger';

/** The alert's key: one per streak is raised, and the dispatcher de-duplicates within its cool-down. */
export const ERP_LOGIN_REJECTED_ALERT_KEY = 'erp-login-rejected';

/**
 * A worker's ERP governance at start: raises a critical alert when NetSuite's 401 "Invalid login
 * attempt" persists (login-rejections.ts), and reads the account's governance limits (when the role
 * may) to say whether the configured share fits, in the background: the limits are advice, and
 * neither their read nor its failure holds the start up. Returns a function that stops the alerting.
 */
export function startErpGovernance(
  config: Config,
  deps: {
    client: Client;
    logger: Logger;
    /** The worker's NetSuite client (its auth and governed fetch: this read counts in the share like any other). */
    netsuite: Pick<NetSuiteClient, 'getService'>;
    watch?: LoginRejectionWatch;
  },
): () => void {
  const { logger } = deps;
  const watch = deps.watch ?? erpLoginRejections;
  const stop = watch.onPersistent((streak) => {
    const minutes = Math.round((Date.now() - streak.sinceMs) / 60_000);
    logger.error({ rejections: streak.rejections, sinceMs: streak.sinceMs }, 'NetSuite has refused every login for ERP_LOGIN_REJECTED_ALERT_AFTER: ERP calls now fail as ErpAuth');
    raiseAlert(deps.client, config, {
      key: ERP_LOGIN_REJECTED_ALERT_KEY,
      severity: 'critical',
      title: 'NetSuite refuses our logins',
      text: `Every NetSuite answer for ${minutes} min (${streak.rejections} answers) has been 401 "Invalid login attempt": the credentials, the role or the integration record changed, or the account is overloaded. ERP steps now park as ErpAuth; see NetSuite's Login Audit Trail.`,
    }).catch((err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'the ERP login alert could not be raised'));
  });
  void logGovernanceLimits(config, deps);
  return stop;
}

/** Reads the governance limits and logs them, with a warning when the configured share is more than the limit that applies. */
export async function logGovernanceLimits(config: Config, deps: { logger: Logger; netsuite: Pick<NetSuiteClient, 'getService'> }): Promise<void> {
  const { logger } = deps;
  const configured = { share: config.erpGovernance.share, apiConcurrency: config.erpGovernance.apiConcurrency };
  try {
    const read = await readGovernanceLimits(deps.netsuite);
    if (!read.ok) {
      logger.info({ reason: read.unavailable }, "NetSuite governance limits not readable with this role (administrators only): the share's fit is not checked");
      return;
    }
    const judged = judgeShare(read.limits, configured);
    const fields = {
      limits: read.limits,
      share: configured.share,
      slotsPerWorkerProcess: config.erpGovernance.slotsPerWorkerProcess,
      workerProcesses: config.erpGovernance.workerProcesses,
    };
    if (judged.warning) logger.warn(fields, judged.warning);
    else logger.info(fields, 'NetSuite governance limits read: the configured ERP share fits');
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'NetSuite governance limits not read');
  }
}
