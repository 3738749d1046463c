import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { allSettings, DEV_DEFAULTS, loadConfig } from '../config/env';
import { startCodecServer } from '../api/codec/codec-server';
import { startApiServer } from '../api/server';
import { createLogger } from '../lib/logger';
import { ensureSearchAttributes } from '../workers/search-attributes';
import { installTemporalRuntime } from '../workers/runtime';
import { ensureSchedules } from '../workers/schedules';
import { startWorkers } from '../workers/start-workers';
import { connectClient, connectWorkerConnection, createLazyClient } from '../workers/temporal-connection';
import { devCodecToken, devPayloadKeysFile } from './dev-secrets';
import { startDevServer } from './dev-server';
import { registerHooks, registerOmsWebhook } from './register-hooks';

export interface DevOptions {
  demo: boolean;
  dataDir: string;
  temporalPort: number;
  uiPort: number;
  bcPort: number;
  erpPort: number;
  omsPort: number;
  codecPort: number;
}

/**
 * `npm start`: everything on one machine with no credentials. A Temporal dev server (unless
 * TEMPORAL_ADDRESS points elsewhere), both sandboxes, the workers and the API; hooks registered.
 */
export async function runDev(opts: DevOptions): Promise<void> {
  const started = Date.now();
  // Loaded here, not at the top: only the development commands load the sandbox package.
  const { startSandboxes, createDemoOrders, generateM2mCredentials, DEFAULT_ERP_ACCOUNT_ID } = await import('@bigcommerce-sync/sandbox');
  // The default path is the real one: the ERP sandbox runs NetSuite's OAuth 2.0 M2M with a key pair
  // made now (private key in the data dir, mode 0600), once the configuration knows NETSUITE_AUTH.
  // NETSUITE_AUTH=bearer in the environment keeps the fixed token.
  const m2mKnown = allSettings.some((s) => s.env === 'NETSUITE_AUTH');
  const erpAuth = m2mKnown && (process.env.NETSUITE_AUTH ?? 'm2m') === 'm2m' ? 'm2m' : 'bearer';
  const m2m = erpAuth === 'm2m' ? generateM2mCredentials(path.join(opts.dataDir, 'sandbox')) : undefined;
  const env: NodeJS.ProcessEnv = {
    ...DEV_DEFAULTS,
    BC_API_URL: `http://127.0.0.1:${opts.bcPort}`,
    ERP_API_URL: `http://127.0.0.1:${opts.erpPort}`,
    OMS_API_URL: `http://127.0.0.1:${opts.omsPort}`,
    ...(m2m
      ? {
          NETSUITE_AUTH: 'm2m',
          NETSUITE_ACCOUNT_ID: DEFAULT_ERP_ACCOUNT_ID,
          NETSUITE_CLIENT_ID: m2m.certificate.clientId,
          NETSUITE_CERTIFICATE_ID: m2m.certificate.certificateId,
          NETSUITE_PRIVATE_KEY_FILE: m2m.privateKeyFile,
        }
      : {}),
    ...process.env,
  };
  // Customer data in the dev server's history is encrypted as in production: with a key made once
  // for this data dir (not the sandbox profile's published one), unless the environment names keys.
  if (process.env.TEMPORAL_PAYLOAD_KEYS === undefined && process.env.TEMPORAL_PAYLOAD_KEYS_FILE === undefined) {
    delete env.TEMPORAL_PAYLOAD_KEYS;
    env.TEMPORAL_PAYLOAD_KEYS_FILE = devPayloadKeysFile(opts.dataDir);
  }
  // The Web UI decodes through the codec server with a token made now, in the endpoint dev gives it.
  const codecToken = process.env.CODEC_TOKENS === undefined ? devCodecToken(opts.dataDir) : undefined;
  if (codecToken) env.CODEC_TOKENS = `ui=${codecToken.token}`;
  env.CODEC_CORS_ORIGINS ??= `http://127.0.0.1:${opts.uiPort},http://localhost:${opts.uiPort}`;
  const logger = createLogger(env.LOG_LEVEL ?? 'info', 'bcsync-dev', { pretty: process.stdout.isTTY });
  installTemporalRuntime(logger);
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.debug({ err }, 'cleanup step failed');
      }
    }
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    let temporal: TestWorkflowEnvironment | undefined;
    let address = process.env.TEMPORAL_ADDRESS;
    if (!address) {
      logger.info('starting the Temporal dev server');
      temporal = await startDevServer({
        dbFile: path.join(opts.dataDir, 'temporal.db'),
        port: opts.temporalPort,
        uiPort: opts.uiPort,
        uiCodecEndpoint: codecToken ? `http://127.0.0.1:${opts.codecPort}/t/${codecToken.token}` : undefined,
      });
      address = temporal.address;
      const t = temporal;
      cleanups.push(() => t.teardown());
    }
    const apiPort = env.API_PORT ?? '3000';
    const config = loadConfig({ HOOKS_DESTINATION: `http://127.0.0.1:${apiPort}/webhooks/bigcommerce`, ...env, TEMPORAL_ADDRESS: address });

    const sandboxes = await startSandboxes({
      bcPort: opts.bcPort,
      erpPort: opts.erpPort,
      omsPort: opts.omsPort,
      stateDir: path.join(opts.dataDir, 'sandbox'),
      erp: { auth: { mode: erpAuth, certificates: m2m ? [m2m.certificate] : [] } },
    });
    cleanups.push(() => sandboxes.close());

    const admin = await connectClient(config.temporal);
    cleanups.push(() => admin.close());
    await ensureSearchAttributes(admin.connection, config.temporal.namespace, logger);
    const adminClient = admin.client;

    const codec = await startCodecServer(config.temporal, config.codec, { logger, host: '127.0.0.1', port: opts.codecPort });
    cleanups.push(() => codec.close());
    const nativeConnection = await connectWorkerConnection(config.temporal);
    const workers = await startWorkers(config, { connection: nativeConnection, logger, client: adminClient });
    cleanups.push(async () => {
      await workers.shutdown();
      await nativeConnection.close();
    });
    workers.done.catch((err) => {
      logger.error({ err }, 'a worker stopped with an error');
      void stop(1);
    });

    const { client, connection } = createLazyClient(config.temporal);
    const api = await startApiServer(config, { client, connection, logger });
    cleanups.push(() => connection.close());
    cleanups.push(() => api.close());

    const store = config.stores[0]!;
    const hooks = await registerHooks(store, config.health.destination!, config.api.webhookSecret, config.health.exceptionDestination, { inventory: config.inventory.enabled });
    const schedules = await ensureSchedules(adminClient, config, logger);
    const omsHook = await registerOmsWebhook(config, `${api.url}/webhooks/oms`);
    // The ERP sandbox pushes its change events (stock, refunds, items) to us, as a SuiteScript would.
    Object.assign(sandboxes.erp.events.settings, { url: `${api.url}/webhooks/erp`, token: config.erp.webhookToken, signingSecret: config.erp.webhookSigningSecret });

    const ui = temporal ? `http://127.0.0.1:${opts.uiPort}/namespaces/${config.temporal.namespace}/workflows` : "(your Temporal server's UI)";
    console.log(
      [
        '',
        `bcsync dev is up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `  Temporal Web UI      ${ui}`,
        `  Temporal gRPC        ${address}   (payloads encrypted, key ${config.temporal.payloadKeysFile ?? 'TEMPORAL_PAYLOAD_KEYS'})`,
        `  Codec server         ${codec.url}   (the Web UI decodes through it; CLI: temporal workflow show --codec-endpoint ${codec.url} --codec-auth "Bearer $(cat ${codecToken?.file ?? '<a CODEC_TOKENS token>'})")`,
        `  API                  ${api.url}   (POST /webhooks/bigcommerce, GET /healthz, GET /readyz)`,
        `  BigCommerce sandbox  ${sandboxes.bcUrl}/stores/${store.storeHash}   (X-Auth-Token: ${store.accessToken})`,
        `  ERP sandbox          ${sandboxes.erpUrl}/services/rest/record/v1   (NetSuite record API shape, ${m2m ? `OAuth 2.0 M2M, certificate ${m2m.certificate.certificateId}, key ${m2m.privateKeyFile}` : 'bearer token'})`,
        `  OMS sandbox          ${sandboxes.omsUrl}   (ShipStation V1 shape, Basic ${config.oms.apiKey}:...)`,
        `  BigCommerce hooks    ${hooks.map((h) => `${h.scope}${h.was === 'ok' ? '' : ` (${h.was}, repaired)`}`).join(', ')} -> ${api.url}/webhooks/bigcommerce[/exceptions]`,
        `  OMS webhook          SHIP_NOTIFY -> ${api.url}/webhooks/oms (${omsHook.outcome})`,
        `  ERP events           ${sandboxes.erpUrl} pushes -> ${api.url}/webhooks/erp (x-bcsync-erp-token, signed)`,
        `  Schedules            ${schedules.map((s) => s.id).join(', ')}   (Web UI: Schedules)`,
        `  Ops API              ${api.url}/ops/attention   (Authorization: Bearer ${config.api.opsToken ? '<OPS_TOKEN>' : 'disabled'})`,
        `  State                ${opts.dataDir}`,
        '',
        opts.demo ? 'Creating demo orders now.' : 'Create demo orders with `npm run demo` and watch them appear in the Web UI.',
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );

    if (opts.demo) {
      const ids = await createDemoOrders({ apiUrl: sandboxes.bcUrl, storeHash: store.storeHash, accessToken: store.accessToken, count: 3 });
      logger.info({ orders: ids }, 'demo orders created');
    }
  } catch (err) {
    logger.error(err instanceof Error ? err.message : String(err));
    await stop(1);
  }
}
