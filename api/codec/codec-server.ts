import type { Server } from 'node:http';
import { createRemoteJWKSet } from 'jose';
import type { GroupValue } from '../../config/setting';
import type { codecSettings } from '../../config/codec';
import type { Logger } from '../../lib/logger';
import { EncryptionCodec } from '../../lib/temporal/payload-codec';
import { payloadKeyring, type TemporalConfig } from '../../workers/temporal-connection';
import { createCodecApp } from './codec-app';

export type CodecConfig = GroupValue<typeof codecSettings>;

/** A codec server with nobody allowed in would be useless; one open to anybody would leak: refuse both. */
export class CodecServerConfigError extends Error {}

/** Starts the codec server (docs/encryption.md): the payload keys behind the codec protocol. */
export async function startCodecServer(
  temporal: TemporalConfig,
  codec: CodecConfig,
  deps: { logger: Logger; host?: string; port?: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const keyring = payloadKeyring(temporal);
  if (!keyring) throw new CodecServerConfigError('payload encryption is off (TEMPORAL_PAYLOAD_ENCRYPTION=false): there is nothing for a codec server to decode');
  const oidc =
    codec.oidcIssuer && codec.oidcAudience && codec.oidcJwksUrl
      ? { issuer: codec.oidcIssuer, audience: codec.oidcAudience, keys: createRemoteJWKSet(new URL(codec.oidcJwksUrl)) }
      : undefined;
  if (!codec.tokens?.length && !oidc) throw new CodecServerConfigError('set CODEC_TOKENS (or CODEC_OIDC_*): the codec server answers authenticated requests only');
  const app = createCodecApp({
    codec: new EncryptionCodec(keyring),
    namespace: temporal.namespace,
    tokens: codec.tokens ?? [],
    corsOrigins: codec.corsOrigins ?? [],
    oidc,
    logger: deps.logger,
  });
  const host = deps.host ?? codec.host;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(deps.port ?? codec.port, host);
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : codec.port;
  deps.logger.info({ port, keys: keyring.ids, origins: codec.corsOrigins ?? [], oidc: oidc !== undefined }, 'codec server listening');
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
