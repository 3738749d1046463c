import type { Client } from '@temporalio/client';
import { raiseAlert } from '../clients/monitoring';
import type { Config } from '../config/env';
import { judgeShare, readGovernanceLimits, type GovernanceLimitsRequest } from '../connectors/erp/netsuite/governance-limits';
import { erpLoginRejections, type LoginRejectionWatch } from '../connectors/erp/netsuite/login-rejections';
import type { FetchLike } from '../connectors/http';
import type { Logger } from '../lib/logger';

/** The alert's key: one per streak is raised, and the dispatcher de-duplicates within its cool-down. */
export const ERP_LOGIN_REJECTED_ALERT_KEY = 'erp-login-rejected';

/**
 * A worker's ERP governance at start: reads the account's governance limits (when the role may)
 * and says whether the configured share fits, and raises a critical alert when NetSuite's 401
 * "Invalid login attempt" persists (login-rejections.ts). Never stops the start: the limits are
 * advice, and their read failing is logged. Returns a function that stops the alerting.
 */
export async function startErpGovernance(
  config: Config,
  deps: {
    client: Client;
    logger: Logger;
    /** The process's NetSuite auth (any mode): `auth.authorization`. */
    authorization: GovernanceLimitsRequest['authorization'];
    /** The process's governed fetch, so this read counts in the share like any other. */
    fetch?: FetchLike;
    watch?: LoginRejectionWatch;
  },
): Promise<() => void> {
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
  await logGovernanceLimits(config, { ...deps, logger });
  return stop;
}

/** Reads the governance limits and logs them, with a warning when the configured share is more than the limit that applies. */
export async function logGovernanceLimits(config: Config, deps: { logger: Logger; authorization: GovernanceLimitsRequest['authorization']; fetch?: FetchLike }): Promise<void> {
  const { logger } = deps;
  const configured = { share: config.erpGovernance.share, apiConcurrency: config.erpGovernance.apiConcurrency };
  try {
    const read = await readGovernanceLimits({ apiUrl: config.erp.apiUrl, authorization: deps.authorization, fetch: deps.fetch });
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
