import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createErpClient } from '../../config/connections';
import { type Config, ConfigError } from '../../config/env';
import { parsePrivateKey } from '../../connectors/erp/netsuite/auth/m2m';
import { getItemsBySku } from '../../connectors/erp/netsuite/catalog-items';
import type { NetSuiteClient } from '../../connectors/erp/netsuite/client';
import { ErpError } from '../../connectors/erp/netsuite/errors';
import { GOVERNANCE_LIMITS_PATH, governanceLimitsSchema, judgeShare } from '../../connectors/erp/netsuite/governance-limits';
import { salesOrderTotals } from '../../connectors/erp/netsuite/sales-order-totals';
import { type Check, fail, messageOf, ok, skip } from './check';

const G = 'netsuite';

/** An external id no sales order has: reading it shows the role may read sales orders, and changes nothing. */
const PROBE_ID = 'bcsync-doctor-probe';

/** The public half of the configured private key, as a fingerprint to compare with the certificate uploaded to NetSuite. */
function keyFingerprint(file: string): string | undefined {
  try {
    const { key } = parsePrivateKey(readFileSync(file, 'utf8'));
    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    return `sha256:${createHash('sha256').update(spki).digest('hex').slice(0, 16)}`;
  } catch {
    return undefined;
  }
}

/** What to change when NetSuite refuses to authenticate us, by mode and by what it answered. */
function authFailure(config: Config, err: unknown): { detail: string; fix: string } {
  const erp = config.erp;
  const code = err instanceof ErpError ? err.details.errorCode : undefined;
  const message = messageOf(err);
  if (err instanceof ErpError && err.kind === 'network')
    return {
      detail: `${erp.apiUrl}: ${message}`,
      fix: erp.account
        ? 'Check NETSUITE_ACCOUNT_ID (the host is derived from it) or the ERP_API_URL override, and that NetSuite is reachable from here'
        : 'Check ERP_API_URL and that the ERP is reachable from here',
    };
  if (erp.authMode === 'm2m') {
    const fingerprint = erp.privateKeyFile ? keyFingerprint(erp.privateKeyFile) : undefined;
    if (code === 'invalid_client')
      return {
        detail: `the token endpoint does not know the client (${code})`,
        fix: "Set NETSUITE_CLIENT_ID to the integration record's client id, and NETSUITE_ACCOUNT_ID to the account the integration is in",
      };
    if (code === 'invalid_scope')
      return { detail: `the token endpoint refused the scopes (${code})`, fix: 'Set NETSUITE_SCOPES to scopes the integration record allows (rest_webservices)' };
    if (code === 'invalid_grant')
      return {
        detail: `the token endpoint refused the signed assertion (${code}): the certificate id is not mapped, or the key is not that certificate's${fingerprint ? ` (this key's public part: ${fingerprint})` : ''}`,
        fix: "Check NETSUITE_CERTIFICATE_ID (the id NetSuite shows under OAuth 2.0 Client Credentials (M2M) Setup for the mapping of this integration and role) and NETSUITE_PRIVATE_KEY_FILE (the private key of that certificate); NetSuite's Login Audit Trail names which",
      };
    return {
      detail: message,
      fix: "Check NETSUITE_ACCOUNT_ID, NETSUITE_CLIENT_ID, NETSUITE_CERTIFICATE_ID and NETSUITE_PRIVATE_KEY_FILE; NetSuite's Login Audit Trail says why it refused",
    };
  }
  if (erp.authMode === 'tba')
    return {
      detail: `NetSuite refused the signed request: ${message}`,
      fix: `Check NETSUITE_ACCOUNT_ID first: it is the realm (${erp.account?.realm ?? 'unset'}), and must be the account the token was issued in (a sandbox as 1234567_SB1); then NETSUITE_CONSUMER_KEY/NETSUITE_CONSUMER_SECRET (the integration record), NETSUITE_TOKEN_ID/NETSUITE_TOKEN_SECRET (the access token) and this machine's clock. NetSuite's Login Audit Trail names which`,
    };
  return { detail: message, fix: 'ERP_ACCESS_TOKEN is not accepted (bearer is for tests and the sandbox: set NETSUITE_AUTH=m2m or tba for NetSuite)' };
}

const isAuthFailure = (err: unknown) => err instanceof ErpError && (err.kind === 'auth' || err.kind === 'login_rejected' || err.kind === 'network');
const isForbidden = (err: unknown) => err instanceof ErpError && (err.kind === 'forbidden' || err.details.errorCode === 'INSUFFICIENT_PERMISSION');

/**
 * NetSuite: authentication in the configured mode (m2m: the token exchange; tba: a signed request),
 * then the role's permissions by one tiny read each (a sales order by an external id nobody uses, an
 * item by a SKU nobody uses, a SuiteQL query over transactions), then the governance limits (skipped
 * when the role may not read them). Nothing is written.
 */
export async function checkNetSuite(config: Config, opts: { timeoutMs: number; fetch?: typeof fetch }): Promise<Check[]> {
  const erp = config.erp;
  const later = ['salesorders', 'items', 'suiteql', 'governance'];
  const notChecked = (why: string) => later.map((what) => skip(G, `netsuite.${what}`, `not checked: ${why}`));

  // The account id against an explicit NetSuite URL: the realm and the host must name one account.
  if (erp.account && erp.apiUrl) {
    const host = /^([a-z0-9-]+)\.suitetalk\.api\.netsuite\.com$/i.exec(new URL(erp.apiUrl).hostname)?.[1];
    if (host && host.toLowerCase() !== erp.account.host)
      return [
        fail(
          G,
          'netsuite.auth',
          `NETSUITE_ACCOUNT_ID (${erp.account.host}) and ERP_API_URL (${host}) name different accounts`,
          'Set NETSUITE_ACCOUNT_ID to the account (a sandbox as 1234567_SB1) and leave ERP_API_URL unset (it is derived)',
        ),
        ...notChecked('authentication failed'),
      ];
  }

  let client: NetSuiteClient;
  try {
    client = createErpClient(config, { fetch: opts.fetch, timeoutMs: opts.timeoutMs });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const names = err.issues.join('; ');
    return [
      fail(
        G,
        'netsuite.auth',
        names,
        names.startsWith('NETSUITE_PRIVATE_KEY_FILE')
          ? 'Point NETSUITE_PRIVATE_KEY_FILE at the PEM private key (RSA or EC P-256, unencrypted) of the certificate mapped to the integration'
          : 'Set the variables named',
      ),
      ...notChecked('authentication failed'),
    ];
  }

  const mode = `${erp.authMode}${erp.authMode === 'tba' && erp.account ? `, realm ${erp.account.realm}` : ''}`;
  // The first request authenticates (m2m: the token exchange first) and reads a sales order.
  let salesOrderError: unknown;
  try {
    await client.request('GET', `/salesOrder/eid:${PROBE_ID}`);
  } catch (err) {
    if (isAuthFailure(err)) {
      const { detail, fix } = authFailure(config, err);
      return [fail(G, 'netsuite.auth', `${erp.apiUrl} (${mode}): ${detail}`, fix), ...notChecked('authentication failed')];
    }
    if (!(err instanceof ErpError && err.kind === 'not_found')) salesOrderError = err;
  }
  const fingerprint = erp.authMode === 'm2m' && erp.privateKeyFile ? keyFingerprint(erp.privateKeyFile) : undefined;
  const checks: Check[] = [ok(G, 'netsuite.auth', `${erp.apiUrl} (${mode}${fingerprint ? `, key ${fingerprint}` : ''}): authenticated`)];

  const permission = (what: string, err: unknown, permissionName: string, used: string): Check =>
    isForbidden(err)
      ? fail(G, `netsuite.${what}`, `the role may not: ${messageOf(err)} (${used})`, `Give the integration's role the permission ${permissionName}`)
      : fail(G, `netsuite.${what}`, messageOf(err), 'Check the ERP connection and try again');

  checks.push(
    salesOrderError === undefined
      ? ok(G, 'netsuite.salesorders', 'the role reads sales orders (GET salesOrder by external id)')
      : permission('salesorders', salesOrderError, 'Transactions > Sales Order (Full: the order sync creates and edits them)', 'order sync'),
  );
  try {
    await getItemsBySku(client, [PROBE_ID]);
    checks.push(ok(G, 'netsuite.items', 'the role reads items (SuiteQL on item)'));
  } catch (err) {
    checks.push(permission('items', err, 'Lists > Items (View)', 'catalog and inventory sync'));
  }
  try {
    await salesOrderTotals(client, [PROBE_ID]);
    checks.push(ok(G, 'netsuite.suiteql', 'SuiteQL over transactions answers'));
  } catch (err) {
    checks.push(permission('suiteql', err, 'Setup > REST Web Services (Full) with Transactions > Sales Order (View), for SuiteQL', 'sweeps and repairs'));
  }
  try {
    const res = await client.getService(GOVERNANCE_LIMITS_PATH);
    const limits = governanceLimitsSchema.parse(res.body);
    const judged = judgeShare(limits, { share: erp.concurrency, apiConcurrency: 0 });
    const summary = `account limit ${limits.accountConcurrencyLimit}, unallocated ${limits.accountUnallocatedConcurrencyLimit}, this integration: ${limits.integrationLimitType}${limits.integrationConcurrencyLimit !== undefined ? ` ${limits.integrationConcurrencyLimit}` : ''}; ERP_CONCURRENCY=${erp.concurrency}`;
    checks.push(
      judged.warning
        ? fail(
            G,
            'netsuite.governance',
            `${summary}: ${judged.warning}`,
            'Lower ERP_CONCURRENCY, or allocate more concurrency to this integration in NetSuite (Setup > Integration > Integration Governance)',
          )
        : ok(G, 'netsuite.governance', summary),
    );
  } catch (err) {
    if (err instanceof ErpError && (err.kind === 'forbidden' || err.kind === 'not_found'))
      checks.push(skip(G, 'netsuite.governance', `the role may not read the governance limits (administrators only): ${messageOf(err)}`));
    else checks.push(fail(G, 'netsuite.governance', `cannot read the governance limits: ${messageOf(err)}`, 'Check the ERP connection and try again'));
  }
  return checks;
}
