import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../config/errors';
import { createLogger } from '../lib/logger';

export interface SandboxCliOptions {
  host: string;
  bcPort: number;
  erpPort: number;
  omsPort: number;
  storeHash: string;
  accessToken: string;
  clientSecret: string;
  plan: 'standard' | 'plus' | 'pro' | 'enterprise';
  quota?: number;
  windowMs: number;
  rateLimit: boolean;
  webhookTimeScale: number;
  dataDir?: string;
  /** How the ERP sandbox authenticates: the fixed bearer token, OAuth 2.0 M2M or TBA. */
  erpAuth: 'bearer' | 'm2m' | 'tba';
}

/** Names the profile a process runs in: `sandbox` lets `bcsync sandbox` start where NODE_ENV=production (the image sets it). */
export const PROFILE_VARIABLE = 'BCSYNC_PROFILE';

/**
 * Why the sandboxes must not start in this environment, or undefined when they may. A production
 * profile (NODE_ENV=production, as in the image, or BCSYNC_PROFILE=production) never runs them:
 * their controls are unauthenticated and their credentials public. Only BCSYNC_PROFILE=sandbox
 * says otherwise (docker-compose.sandbox.yml sets it on its sandbox service).
 */
export function sandboxRefusal(env: NodeJS.ProcessEnv): string | undefined {
  const profile = env[PROFILE_VARIABLE];
  if (profile === 'sandbox') return undefined;
  const production = profile === 'production' ? `${PROFILE_VARIABLE}=production` : env.NODE_ENV === 'production' ? 'NODE_ENV=production' : undefined;
  if (production === undefined) return undefined;
  return `${PROFILE_VARIABLE}: bcsync sandbox does not start in a production profile (${production}): the sandboxes' controls are unauthenticated and their credentials public. For a sandbox deployment (a demo, a test stack), set ${PROFILE_VARIABLE}=sandbox, as docker-compose.sandbox.yml does.`;
}

/** `bcsync sandbox`: the BigCommerce, ERP, OMS, CRM and marketing simulators alone (CRM on 4060, marketing on 4050). */
export async function runSandbox(opts: SandboxCliOptions): Promise<void> {
  // Before the sandbox package is even loaded.
  const refusal = sandboxRefusal(process.env);
  if (refusal !== undefined) throw new ConfigError([refusal]);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info', 'bcsync-sandbox');
  const { DEFAULT_ERP_ACCOUNT_ID, DEFAULT_OMS_API_KEY, DEFAULT_TBA, PLAN_QUOTAS, generateM2mCredentials, startSandboxes } = await import('@bigcommerce-sync/sandbox');
  if (opts.plan === 'enterprise' && opts.quota === undefined) throw new Error('--plan enterprise needs --quota <requests per window>');
  const quota = opts.quota ?? PLAN_QUOTAS[opts.plan as keyof typeof PLAN_QUOTAS];
  // M2M: a key pair made now, its public half mapped in the sandbox, the private key left for the client.
  const m2m = opts.erpAuth === 'm2m' ? generateM2mCredentials(opts.dataDir ? path.resolve(opts.dataDir) : path.join(tmpdir(), `bcsync-sandbox-${process.pid}`)) : undefined;
  const sandboxes = await startSandboxes({
    host: opts.host,
    bcPort: opts.bcPort,
    erpPort: opts.erpPort,
    omsPort: opts.omsPort,
    // In a container the sandbox listens on 0.0.0.0 but is reached by its service name.
    omsPublicUrl: process.env.SANDBOX_OMS_PUBLIC_URL,
    stateDir: opts.dataDir ? path.resolve(opts.dataDir) : undefined,
    erp: { auth: { mode: opts.erpAuth, certificates: m2m ? [m2m.certificate] : [] } },
    bigcommerce: {
      storeHash: opts.storeHash,
      clients: { [opts.accessToken]: { clientId: 'sandbox-client', clientSecret: opts.clientSecret } },
      quota,
      windowMs: opts.windowMs,
      rateLimit: opts.rateLimit,
      webhookTimeScale: opts.webhookTimeScale,
    },
  });
  // Where the ERP sandbox pushes its change events (our POST /webhooks/erp), e.g. in docker-compose.
  if (process.env.SANDBOX_ERP_PUSH_URL)
    Object.assign(sandboxes.erp.events.settings, {
      url: process.env.SANDBOX_ERP_PUSH_URL,
      token: process.env.SANDBOX_ERP_PUSH_TOKEN,
      signingSecret: process.env.SANDBOX_ERP_PUSH_SIGNING_SECRET,
    });
  logger.info(
    {
      bigcommerce: `${sandboxes.bcUrl}/stores/${opts.storeHash}`,
      erp: `${sandboxes.erpUrl}/services/rest/record/v1`,
      // What a client needs to reach the ERP sandbox in its mode (sandbox/README.md; secrets are not logged).
      erpAuth:
        opts.erpAuth === 'm2m'
          ? {
              NETSUITE_AUTH: 'm2m',
              NETSUITE_ACCOUNT_ID: DEFAULT_ERP_ACCOUNT_ID,
              NETSUITE_CLIENT_ID: m2m?.certificate.clientId,
              NETSUITE_CERTIFICATE_ID: m2m?.certificate.certificateId,
              NETSUITE_PRIVATE_KEY_FILE: m2m?.privateKeyFile,
            }
          : opts.erpAuth === 'tba'
            ? {
                NETSUITE_AUTH: 'tba',
                NETSUITE_ACCOUNT_ID: DEFAULT_ERP_ACCOUNT_ID,
                NETSUITE_CONSUMER_KEY: DEFAULT_TBA.consumerKey,
                NETSUITE_TOKEN_ID: DEFAULT_TBA.tokenId,
                secrets: 'the sandbox defaults (sandbox/README.md)',
              }
            : { NETSUITE_AUTH: 'bearer', ERP_ACCESS_TOKEN: 'the sandbox default (sandbox/README.md)' },
      oms: `${sandboxes.omsUrl} (ShipStation V1 shape, Basic auth key ${DEFAULT_OMS_API_KEY})`,
      crm: `${sandboxes.crmUrl} (HubSpot CRM v3 shape, private app token: the sandbox default, sandbox/README.md)`,
      marketing: `${sandboxes.marketingUrl}/api (Klaviyo shape, Klaviyo-API-Key: the sandbox default, sandbox/README.md)`,
      plan: opts.plan,
      quota,
      windowMs: opts.windowMs,
      rateLimit: opts.rateLimit,
      state: opts.dataDir ?? 'memory',
    },
    'sandboxes listening',
  );
  const stop = async () => {
    await sandboxes.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
