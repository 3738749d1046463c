import { isIP } from 'node:net';
import { ConfigError } from './errors';
import type { Setting, Source } from './setting';

/**
 * No process talks to a real store with a secret everybody knows. The sandbox profile's values
 * (every setting's `sandbox` value, config/<flow>.ts), the values docker-compose.sandbox.env gives
 * the compose sandbox run, the sandbox package's default credentials, and anything written as an
 * obvious placeholder ("change-me") are public: they are in this repository. With one of them in a
 * secret setting, loadConfig refuses to start unless every store's BigCommerce API is a sandbox
 * (loopback, or the compose sandbox service). The refusal names the variable, never its value.
 */

/**
 * Published credentials no setting's sandbox value covers: what docker-compose.sandbox.env gives the
 * compose sandbox run, and the sandbox package's own defaults (the ERP sandbox's TBA credentials).
 * test/unit/placeholder-secrets.test.ts checks both sources against this list, so a new value there
 * cannot be missed here.
 */
export const PUBLISHED_SANDBOX_VALUES: readonly string[] = [
  // docker-compose.sandbox.env
  'sandbox-metrics-token-change-me',
  'sandbox-codec-ui-token-change-me',
  'sandbox-temporal-db-password-change-me',
  // the ERP sandbox's TBA credentials (sandbox/erp/auth.ts DEFAULT_TBA)
  'sandbox-tba-consumer-key',
  'sandbox-tba-consumer-secret',
  'sandbox-tba-token-id',
  'sandbox-tba-token-secret',
];

/** Obvious placeholders, whatever else they say: `change-me`, `CHANGEME`, `replace_me`, `<your-token>`... (as words: `exchange-meter` is not one). */
const PLACEHOLDER_PATTERNS: readonly RegExp[] = [/(^|[^a-z])(change|replace)[-_. ]?me([^a-z]|$)/i, /^<[^>]*>$/, /^(secret|password|token|example|placeholder|xxx+)$/i];

/**
 * Host names that are a sandbox, not a real endpoint: the compose sandbox service
 * (docker-compose.sandbox.yml) besides loopback. A real store is never reached by a bare `sandbox`.
 */
const SANDBOX_HOSTS: readonly string[] = ['sandbox'];

/** Every known placeholder value: the settings' sandbox values and the compose sandbox run's. */
export function knownPlaceholders(settings: readonly Setting<unknown>[]): ReadonlySet<string> {
  return new Set([...settings.flatMap((s) => (s.sandbox === undefined ? [] : [s.sandbox])), ...PUBLISHED_SANDBOX_VALUES]);
}

/**
 * Whether a secret's text is, or holds, a known placeholder: the whole value, any comma- or
 * line-separated entry (TEMPORAL_PAYLOAD_KEYS lists `id:key` entries), the part after an entry's
 * `id:` or `name=`, and any string inside a JSON value (OPS_TOKENS, BC_STORES).
 */
export function holdsPlaceholder(text: string, known: ReadonlySet<string>): boolean {
  return candidates(text).some((c) => known.has(c) || PLACEHOLDER_PATTERNS.some((p) => p.test(c)));
}

function candidates(text: string): string[] {
  const out = new Set<string>();
  const add = (value: string) => {
    const v = value.trim();
    if (v === '') return;
    out.add(v);
    for (const entry of v.split(/[,\n]/)) {
      const e = entry.trim();
      if (e === '') continue;
      out.add(e);
      const sep = e.search(/[:=]/);
      if (sep > 0) out.add(e.slice(sep + 1).trim());
    }
  };
  // A JSON secret (OPS_TOKENS, BC_STORES): its credentials, not its names or store hashes.
  const json = jsonStrings(text);
  if (json === undefined) add(text);
  else for (const s of json) add(s);
  return [...out];
}

/** Keys of a JSON secret (OPS_TOKENS, BC_STORES) whose string values are credentials: `token`, `accessToken`, `clientSecret`... */
const CREDENTIAL_KEY = /(token|secret|password|key)$/i;

/** The credential strings inside a JSON value (those under a credential-looking key, at any depth); undefined when the text is not JSON. */
function jsonStrings(text: string): string[] | undefined {
  const t = text.trim();
  if (!t.startsWith('[') && !t.startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(t);
  } catch {
    return undefined;
  }
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object')
      for (const [key, item] of Object.entries(v)) {
        if (typeof item === 'string' && CREDENTIAL_KEY.test(key)) found.push(item);
        else walk(item);
      }
  };
  walk(json);
  return found;
}

/** A URL that reaches a sandbox: loopback (localhost, 127.0.0.0/8, ::1) or the compose sandbox service. */
export function isSandboxUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === 'localhost' || host.endsWith('.localhost') || SANDBOX_HOSTS.includes(host)) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** What the check reads from a composed Config (kept structural: config/env.ts composes it). */
export interface PlaceholderCheckInput {
  stores: readonly { storeHash: string; apiUrl: string; accessToken: string; clientSecrets: readonly string[] }[];
}

/**
 * The problems, each naming a variable (never a value): a secret setting holding a known
 * placeholder while a store's BigCommerce API is not a sandbox. Empty when all is well. The store is
 * what makes a deployment real: an ERP or OMS test account behind a sandbox store stays a test.
 */
export function placeholderSecretIssues(settings: readonly Setting<unknown>[], source: Source, config: PlaceholderCheckInput): string[] {
  const real = config.stores.filter((s) => !isSandboxUrl(s.apiUrl)).map((s) => `store ${s.storeHash}'s BigCommerce API (${s.apiUrl})`);
  if (real.length === 0) return [];
  const known = knownPlaceholders(settings);
  const named = new Set<string>();
  for (const s of settings) {
    const value = source[s.env];
    if (s.secret && value !== undefined && holdsPlaceholder(value, known)) named.add(s.env);
  }
  // Stores read from BC_STORES_FILE: their own tokens and signing secrets (inherited BC_* values are checked above).
  if (source.BC_STORES_FILE !== undefined && source.BC_STORES === undefined) {
    const inherited = new Set([source.BC_ACCESS_TOKEN, source.BC_CLIENT_SECRET, source.BC_CLIENT_SECRET_PREVIOUS]);
    for (const store of config.stores) {
      const own = [store.accessToken, ...store.clientSecrets].filter((v) => !inherited.has(v));
      if (own.some((v) => holdsPlaceholder(v, known))) named.add(`BC_STORES_FILE (store ${store.storeHash})`);
    }
  }
  return [...named].map(
    (name) =>
      `${name}: holds a known placeholder (a sandbox or example value published in this repository) while ${real[0]}${real.length > 1 ? ` and ${real.length - 1} more` : ''} is not a sandbox: set a secret of your own`,
  );
}

/** Throws a ConfigError naming every secret that holds a known placeholder while a real endpoint is configured. */
export function refusePlaceholderSecrets(settings: readonly Setting<unknown>[], source: Source, config: PlaceholderCheckInput): void {
  const issues = placeholderSecretIssues(settings, source, config);
  if (issues.length > 0) throw new ConfigError(issues);
}
