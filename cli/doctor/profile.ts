import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEV_DEFAULTS } from '../../config/env';

/** Any of these set: the environment describes a deployment, checked as it is. */
const CONNECTION_VARIABLES = ['BC_STORE_HASH', 'BC_STORES', 'BC_STORES_FILE', 'ERP_API_URL', 'NETSUITE_ACCOUNT_ID', 'OMS_API_URL', 'TEMPORAL_ADDRESS'];

/**
 * The environment the doctor checks. With no connection configured at all, it is `npm start`'s
 * (`bcsync dev`): the sandbox profile on the same ports (SANDBOX_*_PORT, TEMPORAL_PORT, API_PORT),
 * and the ERP sandbox's M2M key pair from the data dir when dev made one. A deployment's environment
 * is never filled in from the sandbox profile: a missing variable there is a failure to report.
 */
export async function doctorEnvironment(env: NodeJS.ProcessEnv, dataDir = '.data'): Promise<{ env: NodeJS.ProcessEnv; sandboxProfile: boolean }> {
  if (CONNECTION_VARIABLES.some((v) => env[v] !== undefined)) return { env, sandboxProfile: false };
  const port = (name: string, fallback: string) => env[name] ?? fallback;
  const keyFile = path.resolve(dataDir, 'sandbox', 'erp-m2m-private-key.pem');
  const m2m = (env.NETSUITE_AUTH ?? 'm2m') === 'm2m' && existsSync(keyFile);
  // Loaded only here, for the sandbox profile: a deployment's doctor never loads the sandbox package.
  const sandbox = m2m ? await import('@bigcommerce-sync/sandbox') : undefined;
  // `bcsync dev` encrypts with the key it made for its data dir, not the sandbox profile's published one.
  const payloadKeysFile = path.resolve(dataDir, 'sandbox', 'payload-keys');
  const devKeys = existsSync(payloadKeysFile) ? { TEMPORAL_PAYLOAD_KEYS: undefined, TEMPORAL_PAYLOAD_KEYS_FILE: payloadKeysFile } : {};
  return {
    sandboxProfile: true,
    env: {
      ...DEV_DEFAULTS,
      TEMPORAL_ADDRESS: `127.0.0.1:${port('TEMPORAL_PORT', '7233')}`,
      BC_API_URL: `http://127.0.0.1:${port('SANDBOX_BC_PORT', '4010')}`,
      ERP_API_URL: `http://127.0.0.1:${port('SANDBOX_ERP_PORT', '4020')}`,
      OMS_API_URL: `http://127.0.0.1:${port('SANDBOX_OMS_PORT', '4030')}`,
      HOOKS_DESTINATION: `http://127.0.0.1:${port('API_PORT', '3000')}/webhooks/bigcommerce`,
      ...devKeys,
      ...(sandbox
        ? {
            NETSUITE_AUTH: 'm2m',
            NETSUITE_ACCOUNT_ID: sandbox.DEFAULT_ERP_ACCOUNT_ID,
            NETSUITE_CLIENT_ID: sandbox.DEFAULT_M2M_CLIENT_ID,
            NETSUITE_CERTIFICATE_ID: sandbox.DEFAULT_M2M_CERTIFICATE_ID,
            NETSUITE_PRIVATE_KEY_FILE: keyFile,
          }
        : {}),
      ...env,
    },
  };
}
