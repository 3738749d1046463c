import { z } from 'zod';
import { defineSettings, kind, positiveInt, setting, text, url } from './setting';

/** One `name=token` pair of CODEC_TOKENS. */
export interface CodecToken {
  name: string;
  token: string;
}

const MIN_TOKEN = 24;

/** CODEC_TOKENS: `name=token` pairs, comma-separated; names and tokens unique, tokens long. */
const codecTokens = kind<CodecToken[]>(`\`name=token\` pairs, comma-separated (tokens at least ${MIN_TOKEN} characters)`, (env) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.string().transform((pair, ctx): CodecToken => {
            const at = pair.indexOf('=');
            const name = at < 0 ? '' : pair.slice(0, at).trim();
            const token = pair.slice(at + 1).trim();
            if (!/^[a-z0-9._-]{1,40}$/.test(name)) ctx.addIssue({ code: 'custom', message: `${env}: each entry is name=token with a lower-case name` });
            else if (token.length < MIN_TOKEN || /[\s/]/.test(token))
              ctx.addIssue({ code: 'custom', message: `${env}: token ${name} must be at least ${MIN_TOKEN} characters, no spaces or slashes` });
            return { name, token };
          }),
        )
        .min(1)
        .superRefine((tokens, ctx) => {
          const names = tokens.map((t) => t.name);
          if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', message: `${env}: names must be unique` });
          if (new Set(tokens.map((t) => t.token)).size !== tokens.length) ctx.addIssue({ code: 'custom', message: `${env}: tokens must be unique` });
        }),
    ),
);

const origins = kind<string[]>('origins, comma-separated', (env) =>
  z.string().transform((v, ctx) => {
    const list = v
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const o of list) {
      const parsed = URL.canParse(o) ? new URL(o) : undefined;
      if (!parsed || parsed.origin !== o) {
        ctx.addIssue({ code: 'custom', message: `${env}: ${o} is not an origin (scheme://host[:port], no path)` });
        return z.NEVER;
      }
    }
    return list;
  }),
);

/** `bcsync codec-server`: the Web UI's and the CLI's way to read encrypted payloads (docs/encryption.md). */
export const codecSettings = defineSettings({
  flow: 'Temporal',
  title: 'Codec server',
  module: 'config/codec.ts',
  about:
    "The codec server decodes payloads for the Temporal Web UI and CLI with the payload keys. It answers only authenticated requests: a CODEC_TOKENS bearer token (the CLI, a proxy), the same token in the path `/t/<token>/` (a Web UI that cannot send a header), or the Web UI's own OIDC access token (CODEC_OIDC_*). It refuses to start with none.",
  settings: {
    host: setting('CODEC_HOST', text, { default: '127.0.0.1', description: 'Address the codec server listens on. Keep it private: it turns ciphertext back into customer data.' }),
    port: setting('CODEC_PORT', positiveInt, { default: '8089', description: 'Port of the codec server.' }),
    tokens: setting('CODEC_TOKENS', codecTokens, {
      secret: true,
      unset: 'unset: only OIDC access tokens (CODEC_OIDC_*) are accepted',
      description:
        'Who may use the codec server: `name=token` pairs, e.g. `ui=<random>,oncall=<random>`. A request names its token as `Authorization: Bearer <token>` or in the path (`/t/<token>/decode`); the name goes into the log line of each request.',
    }),
    corsOrigins: setting('CODEC_CORS_ORIGINS', origins, {
      unset: 'unset: no browser origin may call it (the CLI still can)',
      description: 'The Temporal Web UI origins allowed to call the codec server from the browser, e.g. `https://temporal.example.com`.',
    }),
    oidcIssuer: setting('CODEC_OIDC_ISSUER', url, {
      description: "The Web UI's OIDC issuer: with `passAccessToken` the UI forwards its user's access token, checked against this issuer.",
    }),
    oidcAudience: setting('CODEC_OIDC_AUDIENCE', text, { description: 'The audience the forwarded access token must carry.' }),
    oidcJwksUrl: setting('CODEC_OIDC_JWKS_URL', url, { description: "The issuer's signing keys (its `jwks_uri`)." }),
  },
  check: (v) => {
    const oidc = [v.oidcIssuer, v.oidcAudience, v.oidcJwksUrl];
    if (oidc.some((o) => o !== undefined) && oidc.some((o) => o === undefined))
      return [{ setting: 'oidcIssuer', message: 'OIDC needs CODEC_OIDC_ISSUER, CODEC_OIDC_AUDIENCE and CODEC_OIDC_JWKS_URL together' }];
    return [];
  },
});
