import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { BigCommerceError, type BcErrorKind } from '../../connectors/bigcommerce/errors';
import { ErpError, type ErpErrorKind } from '../../connectors/erp/netsuite/errors';
import { erpLoginRejections } from '../../connectors/erp/netsuite/login-rejections';
import { OmsError, type OmsErrorKind } from '../../connectors/oms/shipstation/errors';

/**
 * Connector errors -> Temporal failures. The failure `type` is what the workflow, the retry
 * policy and ops (BcErrorType in the Web UI) see, so it names the cause, not the HTTP status.
 */

const BC_TYPES: Record<BcErrorKind, string> = {
  not_found: 'BcNotFound',
  validation: 'BcValidation',
  auth: 'BcAuth',
  forbidden: 'BcForbidden',
  rate_limited: 'BcRateLimited',
  platform_load: 'BcPlatformLoad',
  conflict: 'BcConflict',
  too_large: 'BcTooLarge',
  server: 'BcServerError',
  network: 'BcNetwork',
  bad_response: 'BcBadResponse',
};

/** Retrying the same request cannot change these answers; a person or a new event must. */
const BC_PERMANENT: ReadonlySet<BcErrorKind> = new Set(['not_found', 'validation', 'auth', 'forbidden', 'conflict', 'too_large', 'bad_response']);

export interface FailureContext {
  /** A read or naturally idempotent write: safe to repeat after a server or network error. */
  idempotent: boolean;
  attempt: number;
}

export function bigCommerceFailure(err: unknown, ctx: FailureContext): unknown {
  if (!(err instanceof BigCommerceError)) return err;
  const type = BC_TYPES[err.kind];
  if (err.kind === 'rate_limited') {
    // Wait exactly until the window resets, plus jitter so parked calls do not all fire at once.
    const resetMs = err.details.retryAfterMs ?? 1_000;
    return ApplicationFailure.create({ type, message: err.message, nextRetryDelay: resetMs + Math.floor(Math.random() * 250) });
  }
  if (err.kind === 'platform_load') {
    // No headers to say how long: back off exponentially (the pacer has paused the whole store too).
    const backoff = err.details.retryAfterMs ?? Math.min(60_000, 1_000 * 2 ** Math.max(0, ctx.attempt - 1));
    return ApplicationFailure.create({ type, message: err.message, nextRetryDelay: backoff });
  }
  const permanent = BC_PERMANENT.has(err.kind) || (!ctx.idempotent && (err.kind === 'server' || err.kind === 'network'));
  return ApplicationFailure.create({ type, message: err.message, nonRetryable: permanent, details: [{ status: err.details.status, fieldErrors: err.details.fieldErrors }] });
}

const ERP_TYPES: Record<ErpErrorKind, string> = {
  not_found: 'ErpNotFound',
  validation: 'ErpValidation',
  auth: 'ErpAuth',
  login_rejected: 'ErpLoginRejected',
  forbidden: 'ErpForbidden',
  concurrency_limit: 'ErpConcurrencyLimit',
  server: 'ErpServerError',
  network: 'ErpNetwork',
  bad_response: 'ErpBadResponse',
};

/** A 401 that is not NetSuite's ambiguous "Invalid login attempt": believed once it repeats. */
const ERP_AUTH_ATTEMPTS = 3;

/** Exponential from `firstMs`, doubling each attempt up to `maxMs`, plus up to a second of jitter so the processes' retries do not arrive together. */
function backoffMs(attempt: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt - 1)) + Math.floor(Math.random() * 1_000);
}

export interface ErpFailureContext extends FailureContext {
  /** Whether the process's 401 "Invalid login attempt" streak has become persistent (default: the process's watch). */
  loginRejectionPersistent?: () => boolean;
}

/**
 * ERP errors -> Temporal failures. The account's back-pressure (429 CONCURRENCY_LIMIT_EXCEEDED, and
 * the 401 "Invalid login attempt" NetSuite also answers under load) is retried with backoff and never
 * parks anything as an auth failure, until the process has seen nothing but that 401 for
 * ERP_LOGIN_REJECTED_ALERT_AFTER (connectors/erp/netsuite/login-rejections.ts): from then on it is
 * `ErpAuth`, not retried, and an alert has been raised.
 */
export function erpFailure(err: unknown, ctx: ErpFailureContext): unknown {
  if (!(err instanceof ErpError)) return err;
  const details = [{ status: err.details.status, errorCode: err.details.errorCode }];
  if (err.kind === 'concurrency_limit') {
    return ApplicationFailure.create({ type: ERP_TYPES.concurrency_limit, message: err.message, details, nextRetryDelay: backoffMs(ctx.attempt, 1_000, 60_000) });
  }
  if (err.kind === 'login_rejected') {
    if ((ctx.loginRejectionPersistent ?? (() => erpLoginRejections.persistent()))()) {
      return ApplicationFailure.create({
        type: ERP_TYPES.auth,
        message: `${err.message} (every ERP answer refused the login for ERP_LOGIN_REJECTED_ALERT_AFTER: check the credentials)`,
        nonRetryable: true,
        details,
      });
    }
    // NetSuite's load 401 comes after about a minute: wait longer than for a 429.
    return ApplicationFailure.create({ type: ERP_TYPES.login_rejected, message: err.message, details, nextRetryDelay: backoffMs(ctx.attempt, 5_000, 300_000) });
  }
  const type = ERP_TYPES[err.kind];
  const permanent =
    err.kind === 'validation' ||
    err.kind === 'not_found' ||
    err.kind === 'forbidden' ||
    err.kind === 'bad_response' ||
    (err.kind === 'auth' && ctx.attempt >= ERP_AUTH_ATTEMPTS) ||
    (!ctx.idempotent && (err.kind === 'server' || err.kind === 'network'));
  return ApplicationFailure.create({ type, message: err.message, nonRetryable: permanent, details });
}

/** Runs an ERP call that is safe to repeat (a read, an upsert by external id) and classifies its failure for Temporal's retry. */
export async function idempotentErpCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw erpFailure(err, { idempotent: true, attempt: Context.current().info.attempt });
  }
}

const OMS_TYPES: Record<OmsErrorKind, string> = {
  validation: 'OmsValidation',
  locked: 'OmsLocked',
  auth: 'OmsAuth',
  not_found: 'OmsNotFound',
  rate_limited: 'OmsRateLimited',
  server: 'OmsServerError',
  network: 'OmsNetwork',
  bad_response: 'OmsBadResponse',
  untrusted_url: 'OmsUntrustedUrl',
};

export function omsFailure(err: unknown, ctx: FailureContext): unknown {
  if (!(err instanceof OmsError)) return err;
  const type = OMS_TYPES[err.kind];
  if (err.kind === 'rate_limited') {
    return ApplicationFailure.create({ type, message: err.message, nextRetryDelay: (err.details.retryAfterMs ?? 60_000) + Math.floor(Math.random() * 500) });
  }
  // The 3PL refused the order (unknown SKU, bad address), or it is locked (shipped, cancelled):
  // the same request will be refused again; a person or a changed order must act.
  const permanent =
    ['validation', 'locked', 'auth', 'not_found', 'bad_response', 'untrusted_url'].includes(err.kind) || (!ctx.idempotent && (err.kind === 'server' || err.kind === 'network'));
  return ApplicationFailure.create({ type, message: err.message, nonRetryable: permanent, details: [{ status: err.details.status, orderStatus: err.details.orderStatus }] });
}
