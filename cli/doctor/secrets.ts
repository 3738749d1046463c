import { allSettings, type Config } from '../../config/env';
import { SANDBOX_PAYLOAD_KEYS } from '../../config/temporal';
import { parsePayloadKeys } from '../../lib/temporal/keyring';
import { payloadKeyring } from '../../workers/temporal-connection';
import { type Check, fail, ok, skip } from './check';

const G = 'secrets';

/** The sandbox profile's value of a variable (`bcsync dev`), well known to anyone who read the repository. */
function sandboxValue(env: string): string | undefined {
  return allSettings.find((s) => s.env === env)?.sandbox;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
};
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');

/**
 * Whether any connection is a real service rather than a sandbox: then a secret left at the sandbox
 * profile's value (published in this repository) is a failure.
 */
export function talksToRealServices(config: Config): boolean {
  return (
    config.stores.some((s) => hostOf(s.apiUrl).endsWith('bigcommerce.com')) ||
    hostOf(config.erp.apiUrl).endsWith('netsuite.com') ||
    hostOf(config.oms.apiUrl).endsWith('shipstation.com')
  );
}

interface Secret {
  env: string;
  value: string | undefined;
  /** Why unset is fine (the feature is off by configuration), or undefined when it is required. */
  offWhenUnset?: string;
  /** Why unset is a failure even though the variable is optional, and what to do. */
  neededWhenUnset?: { detail: string; fix: string };
  /** Where it is used, for the detail. */
  use: string;
  /** Entries of one variable (a client secret per store) may share a value: one app installed on several stores. */
  family?: string;
}

/**
 * The shared secrets: set where required, not the sandbox profile's published values when talking to
 * real services, and not one value reused for two doors. Lengths are enforced when the
 * configuration loads (a too-short one never gets here: the config check names it). Never prints a value.
 */
export function checkSecrets(config: Config): Check[] {
  const real = talksToRealServices(config);
  const apiOpen = !isLoopback(config.api.host);
  const secrets: Secret[] = [
    { env: 'WEBHOOK_SECRET', value: config.api.webhookSecret, use: 'X-Bcsync-Secret of our BigCommerce hooks' },
    {
      env: 'OPS_TOKEN',
      value: config.api.opsToken,
      offWhenUnset: config.api.opsTokens ? 'unset (OPS_TOKENS holds the ops tokens)' : 'the ops API is off (OPS_TOKEN and OPS_TOKENS unset)',
      use: 'the ops API',
    },
    ...(config.api.opsTokens ?? []).map((t) => ({ env: `OPS_TOKENS[${t.name}]`, value: t.token, use: `the ops API as ${t.name}` })),
    {
      env: 'ERP_WEBHOOK_TOKEN',
      value: config.erp.webhookToken,
      offWhenUnset: 'POST /webhooks/erp is off (answers 503); only the sweeps read the ERP',
      use: 'ERP pushes (x-bcsync-erp-token)',
    },
    {
      env: 'ERP_WEBHOOK_SIGNING_SECRET',
      value: config.erp.webhookSigningSecret,
      offWhenUnset: 'ERP pushes are not signature-checked (ERP_WEBHOOK_SIGNATURES=off)',
      use: 'signatures of ERP pushes',
    },
    { env: 'OMS_WEBHOOK_TOKEN', value: config.oms.webhookToken, use: 'the token in our SHIP_NOTIFY URL' },
    ...config.stores.map((s) => ({
      env: config.stores.length === 1 ? 'BC_CLIENT_SECRET' : `BC_CLIENT_SECRET (store ${s.storeHash})`,
      value: s.clientSecrets[0],
      offWhenUnset: `BigCommerce deliveries are not signature-checked (BC_WEBHOOK_SIGNATURES=${config.webhookSignatures})`,
      use: 'signatures of BigCommerce deliveries',
      family: 'BC_CLIENT_SECRET',
    })),
    {
      env: 'METRICS_TOKEN',
      value: config.api.metricsToken,
      ...(apiOpen
        ? {
            neededWhenUnset: {
              detail: `unset while API_HOST=${config.api.host}: /metrics and /readyz answer anyone who reaches the API`,
              fix: 'Set METRICS_TOKEN (at least 16 characters) and give it to the scraper, or keep API_HOST on loopback behind a proxy that guards them',
            },
          }
        : { offWhenUnset: `unset: /metrics and /readyz are open, and API_HOST=${config.api.host} keeps them on this machine` }),
      use: '/metrics and /readyz',
    },
  ];

  const checks: Check[] = [];
  const seen: Secret[] = [];
  for (const s of secrets) {
    const id = `secrets.${s.env.replace(/[^A-Za-z0-9_]+/g, '.').replace(/\.+$/, '')}`;
    if (s.value === undefined) {
      if (s.neededWhenUnset) checks.push(fail(G, id, s.neededWhenUnset.detail, s.neededWhenUnset.fix));
      else if (s.offWhenUnset) checks.push(skip(G, id, s.offWhenUnset));
      else checks.push(fail(G, id, `${s.env} is not set (${s.use})`, `Set ${s.env}`));
      continue;
    }
    const sandbox = sandboxValue(s.env.replace(/ \(store .*\)$/, ''));
    const twin = seen.find((o) => o.value === s.value && (o.family === undefined || o.family !== s.family));
    seen.push(s);
    if (sandbox !== undefined && s.value === sandbox) {
      if (real)
        checks.push(
          fail(
            G,
            id,
            `${s.env} is the sandbox profile's published value while talking to real services`,
            `Set ${s.env} to a fresh random value (e.g. \`openssl rand -hex 24\`) everywhere it is used`,
          ),
        );
      else checks.push(ok(G, id, `set, the sandbox profile's value (fine against the sandboxes only; ${s.use})`));
      continue;
    }
    if (twin) {
      checks.push(fail(G, id, `${s.env} has the same value as ${twin.env}: one leaked secret would open both doors`, `Give ${s.env} its own random value`));
      continue;
    }
    checks.push(ok(G, id, `set (${s.use})`));
  }
  checks.push(checkPayloadKeys(config, real));
  return checks;
}

/** The payload keys load, and real customer data is not sealed with the sandbox's published key. */
function checkPayloadKeys(config: Config, real: boolean): Check {
  const id = 'secrets.payload-keys';
  const t = config.temporal;
  if (!t.payloadEncryption)
    return real
      ? fail(
          G,
          id,
          'TEMPORAL_PAYLOAD_ENCRYPTION=false: customer data is stored in Temporal in clear',
          'Run `bcsync payload-key new`, set TEMPORAL_PAYLOAD_KEYS, and remove TEMPORAL_PAYLOAD_ENCRYPTION',
        )
      : skip(G, id, 'payload encryption is off (sandbox data only)');
  let ids: readonly string[];
  try {
    ids = payloadKeyring(t)?.ids ?? [];
  } catch (err) {
    return fail(G, id, err instanceof Error ? err.message : String(err), 'Fix TEMPORAL_PAYLOAD_KEYS_FILE (one `keyId:base64` per line)');
  }
  const published = parsePayloadKeys(SANDBOX_PAYLOAD_KEYS).map((k) => k.key);
  const sandboxKey = t.payloadKeys?.some((k) => published.some((p) => p.equals(k.key)));
  if (sandboxKey && real)
    return fail(
      G,
      id,
      "TEMPORAL_PAYLOAD_KEYS holds the sandbox profile's published key while talking to real services",
      'Run `bcsync payload-key new` and put its output last in TEMPORAL_PAYLOAD_KEYS',
    );
  return ok(G, id, `${ids.length} key(s) (${ids.join(', ')}); ${ids[ids.length - 1]} encrypts`);
}
