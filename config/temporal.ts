import { type PayloadKey, payloadKeysText } from '../lib/temporal/keyring';
import { defineSettings, flag, kind, setting, text } from './setting';

/** `keyId:base64` entries, the last one encrypting (lib/temporal/keyring.ts). */
const payloadKeys = kind<PayloadKey[]>('`keyId:base64` (32-byte keys), comma-separated; the last encrypts', payloadKeysText);

/**
 * The sandbox profile's payload key: a fixed, public value (`bcsync-sandbox-payload-key-00000`),
 * so only sandbox data is ever sealed with it. `bcsync dev` makes a random key instead, and the
 * placeholder check refuses this one for a real store.
 */
export const SANDBOX_PAYLOAD_KEYS = 'sandbox:YmNzeW5jLXNhbmRib3gtcGF5bG9hZC1rZXktMDAwMDA=';

/** The Temporal cluster every process connects to, how (TLS, mTLS, API key), and the payload encryption keys. */
export const temporalSettings = defineSettings({
  flow: 'Temporal',
  title: 'Temporal',
  module: 'config/temporal.ts',
  about:
    'One connection builder (workers/temporal-connection.ts) serves the worker, the API, the CLI and the benches. Plaintext is refused for a non-loopback address unless TEMPORAL_ALLOW_PLAINTEXT says otherwise. Every payload is encrypted with the payload keys (docs/encryption.md).',
  settings: {
    address: setting('TEMPORAL_ADDRESS', text, { default: 'localhost:7233', description: 'Temporal frontend (host:port).' }),
    namespace: setting('TEMPORAL_NAMESPACE', text, { default: 'default', description: 'Temporal namespace.' }),
    apiKey: setting('TEMPORAL_API_KEY', text, { secret: true, description: 'Temporal Cloud API key; setting it turns TLS on.' }),
    apiKeyFile: setting('TEMPORAL_API_KEY_FILE', text, {
      description:
        'A file holding the Temporal Cloud API key (instead of TEMPORAL_API_KEY); turns TLS on. The file is watched: write a new key into it and every connection of the process uses it within seconds, without a restart.',
    }),
    tls: setting('TEMPORAL_TLS', flag, {
      unset: 'on with an API key or any TEMPORAL_TLS_* file, else off',
      description: 'TLS to the Temporal frontend. `false` turns it off (refused when a TEMPORAL_TLS_* setting is also given).',
    }),
    tlsCertFile: setting('TEMPORAL_TLS_CERT_FILE', text, { description: "mTLS: this client's certificate (PEM); needs TEMPORAL_TLS_KEY_FILE; turns TLS on." }),
    tlsKeyFile: setting('TEMPORAL_TLS_KEY_FILE', text, { description: "mTLS: this client's private key (PEM); needs TEMPORAL_TLS_CERT_FILE." }),
    tlsCaFile: setting('TEMPORAL_TLS_CA_FILE', text, {
      unset: "unset: the system's trusted CAs",
      description: "The CA (PEM) that signed the Temporal frontend's certificate, for a self-hosted cluster's own CA; turns TLS on.",
    }),
    tlsServerName: setting('TEMPORAL_TLS_SERVER_NAME', text, {
      unset: "unset: TEMPORAL_ADDRESS's host",
      description: "The name the frontend's certificate must carry, when it differs from TEMPORAL_ADDRESS's host (a proxy, an internal IP); turns TLS on.",
    }),
    allowPlaintext: setting('TEMPORAL_ALLOW_PLAINTEXT', flag, {
      default: 'false',
      description:
        'Allow a connection without TLS to an address that is not loopback (a private network you trust, such as the compose network). Without it, plaintext is refused for anything but localhost/127.0.0.1/::1.',
    }),
    payloadKeys: setting('TEMPORAL_PAYLOAD_KEYS', payloadKeys, {
      secret: true,
      sandbox: SANDBOX_PAYLOAD_KEYS,
      unset: 'unset: TEMPORAL_PAYLOAD_KEYS_FILE must name the keys',
      description:
        "The keys that encrypt every payload Temporal stores (inputs, results, signals, queries, failures: the shoppers' names, emails, addresses), as `keyId:base64` entries of 32-byte keys; the last one listed encrypts, the others still decrypt. Rotate by appending a new key; keep an old one while histories that use it are retained. `bcsync payload-key new` prints a fresh entry. See docs/encryption.md.",
    }),
    payloadKeysFile: setting('TEMPORAL_PAYLOAD_KEYS_FILE', text, {
      description: 'A file holding the payload keys (same entries as TEMPORAL_PAYLOAD_KEYS, one per line, `#` comments), instead of the variable. Read at start.',
    }),
    payloadEncryption: setting('TEMPORAL_PAYLOAD_ENCRYPTION', flag, {
      default: 'true',
      description:
        '`false` stores payloads in clear: customer data readable by anyone with the Web UI or the CLI, and by the Temporal provider. Histories encrypted earlier still need their keys to be read.',
    }),
    workflowTaskQueue: setting('TEMPORAL_WORKFLOW_TASK_QUEUE', text, { default: 'bcsync.workflows', description: 'The one workflow task queue.' }),
  },
  check: (v) => [
    ...(v.apiKey !== undefined && v.apiKeyFile !== undefined ? [{ setting: 'apiKeyFile' as const, message: 'set TEMPORAL_API_KEY or TEMPORAL_API_KEY_FILE, not both' }] : []),
    ...((v.tlsCertFile === undefined) !== (v.tlsKeyFile === undefined)
      ? [{ setting: v.tlsCertFile === undefined ? ('tlsCertFile' as const) : ('tlsKeyFile' as const), message: 'mTLS needs both TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE' }]
      : []),
    ...(v.tls === false && [v.tlsCertFile, v.tlsKeyFile, v.tlsCaFile, v.tlsServerName].some((f) => f !== undefined)
      ? [{ setting: 'tls' as const, message: 'is false while a TEMPORAL_TLS_* setting asks for TLS' }]
      : []),
    ...(v.payloadKeys !== undefined && v.payloadKeysFile !== undefined
      ? [{ setting: 'payloadKeysFile' as const, message: 'set TEMPORAL_PAYLOAD_KEYS or TEMPORAL_PAYLOAD_KEYS_FILE, not both' }]
      : []),
    ...(v.payloadEncryption !== false && v.payloadKeys === undefined && v.payloadKeysFile === undefined
      ? [
          {
            setting: 'payloadKeys' as const,
            message:
              'is required: customer data stored in Temporal is encrypted. Run `bcsync payload-key new` and set its output (or TEMPORAL_PAYLOAD_KEYS_FILE); TEMPORAL_PAYLOAD_ENCRYPTION=false stores it in clear instead.',
          },
        ]
      : []),
  ],
  derive: (v) => ({
    ...v,
    tls: v.tls ?? (v.apiKey !== undefined || v.apiKeyFile !== undefined || [v.tlsCertFile, v.tlsCaFile, v.tlsServerName].some((f) => f !== undefined)),
  }),
});
