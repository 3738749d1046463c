import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One logger for every process. Redaction is a second line of defence: code never passes tokens to
 * the logger, but a header object or an error carrying a request's config, logged by mistake, must
 * not leak one either. pino's own `redact` paths cannot say "at any depth", so every logged object
 * (and every child logger's bindings) is walked: a value under a secret-looking key is censored,
 * at any depth up to REDACT_MAX_DEPTH, in objects, arrays and errors alike.
 */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  name = 'bcsync',
  /** `destination`: where the lines go instead of stdout (tests). */
  opts: { pretty?: boolean; destination?: pino.DestinationStream } = {},
): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    // Humans at a terminal get readable lines, when pino-pretty is installed (a dev dependency: not
    // in the image); log shippers, and everyone without it, get JSON.
    ...(opts.pretty && prettyAvailable() ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } } } : {}),
    formatters: {
      log: (object) => redactSecrets(object) as Record<string, unknown>,
      bindings: (bindings) => redactSecrets(bindings) as pino.Bindings,
    },
    // Errors were serialized (and redacted) by redactSecrets already; the default serializer would
    // serialize that plain object again and lose its type.
    serializers: { err: (err: unknown) => err },
  };
  const logger = opts.destination ? pino(options, opts.destination) : pino(options);
  // pino formats only the root's bindings (`formatters.bindings`), not a child's: children are made
  // from their parent (prototype), so this `child` is theirs too, and every child's bindings are redacted.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, redactSecrets(bindings) as pino.Bindings, options);
  } as typeof child;
  return logger;
}

/**
 * Whether pino-pretty can be loaded (pino's transport resolves the target the same way, from here).
 * It is a dev dependency: a production install (`npm ci --omit=dev`, the image) has none.
 */
export function prettyAvailable(resolve: (id: string) => string = require.resolve): boolean {
  try {
    resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export const REDACTED = '[redacted]';
/** Deeper than this, a value is replaced by a marker: a log line is not a data dump. */
export const REDACT_MAX_DEPTH = 12;

/** Keys whose value is a secret, compared lower-case without `-` and `_`. */
const SECRET_KEYS = new Set([
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'secret',
  'clientsecret',
  'webhooksecret',
  'password',
  'passwd',
  'passphrase',
  'authorization',
  'proxyauthorization',
  'xauthtoken',
  'xbcsyncsecret',
  'xbcsyncerptoken',
  'webhooksignature',
  'signature',
  'apikey',
  'xapikey',
  'apisecret',
  'privatekey',
  'cookie',
  'setcookie',
  'credentials',
  // BC_STORES / BC_STORES_FILE content: a JSON array of stores with their tokens and secrets.
  'storesjson',
  'bcstores',
  'clientsecrets',
  'assertion',
  'clientassertion',
  // TEMPORAL_PAYLOAD_KEYS: the keys that encrypt customer data in Temporal (docs/encryption.md).
  'payloadkeys',
  'temporalpayloadkeys',
]);
/** ...and keys that end like one (`erpAccessToken`, `OMS_API_SECRET`, `metricsToken`). */
const SECRET_SUFFIXES = ['token', 'tokens', 'secret', 'secrets', 'password', 'signature', 'apikey', 'privatekey', 'authorization', 'cookie'];

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEYS.has(k) || SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

/**
 * A copy of `value` with every secret-looking key's value censored, at any depth up to
 * REDACT_MAX_DEPTH. Errors become what pino's error serializer makes of them (type, message, stack,
 * cause and own fields), redacted the same way. Objects without a secret are returned as they are
 * (no copy on the hot path); objects with a `toJSON` (dates, buffers, URLs) are left to it.
 */
export function redactSecrets(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[circular]';
  if (depth >= REDACT_MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return walk(serializeError(value), depth, ancestors);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, i) => {
        const walked = walk(item, depth + 1, ancestors);
        if (walked === item) return;
        copy ??= [...value];
        copy[i] = walked;
      });
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const walked = isSecretKey(key) && item !== undefined && item !== null ? REDACTED : walk(item, depth + 1, ancestors);
      if (walked === item) continue;
      copy ??= { ...value };
      copy[key] = walked;
    }
    return copy ?? value;
  } finally {
    ancestors.delete(value);
  }
}

/** pino's own error serializer, as a plain object of its own fields (not the raw error it carries). */
function serializeError(err: Error): Record<string, unknown> {
  return Object.fromEntries(Object.entries(pino.stdSerializers.errWithCause(err)));
}
