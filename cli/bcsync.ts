#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, DEV_DEFAULTS, loadConfig } from '../config/env';

const USAGE = `bcsync: keeps a BigCommerce store in sync with its ERP, on Temporal

Usage:
  bcsync dev [--demo] [--data-dir .data] [--temporal-port 7233] [--ui-port 8233]
             [--bc-port 4010] [--erp-port 4020] [--oms-port 4030] [--codec-port 8089]
      Everything locally: Temporal dev server (unless TEMPORAL_ADDRESS is set), its Web UI
      decoding payloads through the codec server, sandboxes,
      workers, API on API_PORT (3000); registers the sandbox webhooks. This is \`npm start\`.
  bcsync worker        Production workers (TEMPORAL_ADDRESS, BC_*, ERP_* from the environment).
  bcsync api           Production webhook API (same environment, plus WEBHOOK_SECRET, API_PORT).
  bcsync codec-server [--host 127.0.0.1] [--port 8089]
      Decodes the encrypted payloads for the Temporal Web UI and CLI, for authenticated callers
      only (TEMPORAL_PAYLOAD_KEYS, CODEC_TOKENS, CODEC_CORS_ORIGINS; docs/encryption.md).
  bcsync payload-key new [--id k20261203]
      Prints a fresh payload key (\`id:base64\`): append it to TEMPORAL_PAYLOAD_KEYS to rotate.
  bcsync sandbox [--host 127.0.0.1] [--bc-port 4010] [--erp-port 4020] [--oms-port 4030]
                 [--store-hash sandbox] [--access-token sandbox-token]
                 [--client-secret sandbox-client-secret]
                 [--plan standard|plus|pro|enterprise] [--quota N] [--window-ms 30000]
                 [--rate-limit on|off] [--webhook-time-scale 1] [--data-dir DIR]
                 [--erp-auth bearer|m2m|tba]
      The BigCommerce, ERP and OMS simulators alone (sandbox/README.md). State is in memory
      unless --data-dir is given. --erp-auth m2m maps a key pair made at start (private key in
      --data-dir or a temporary folder) and logs the NETSUITE_* settings a client needs.
  bcsync hooks register --destination URL [--exception-destination URL] [--oms-destination URL]
      Creates or repairs the store's webhooks so order events reach URL and delivery exceptions
      URL/exceptions (BC_* and WEBHOOK_SECRET),
      and the OMS's SHIP_NOTIFY webhook to the OMS URL (OMS_*, OMS_WEBHOOK_TOKEN).
  bcsync doctor [--json] [--data-dir .data]
      Checks every configured connection, read-only: Temporal, each store's token, quota, scopes
      and hooks, the ERP, the OMS and its webhook, the secrets. Exit 0 only when all pass. With no
      connection configured, checks \`bcsync dev\` (its ports, its data dir's ERP key).
  bcsync attention list [--store HASH] [--json]
      Orders parked as NeedsAttention, with their problem (TEMPORAL_ADDRESS).
  bcsync retry|skip|resolve <workflowId> [--sku-map OLD=NEW,...] [--note text]
      Decide on a parked order: retry (with SKU corrections), skip it, or mark it resolved.
  bcsync reconcile [--since 2026-11-27T10:00:00Z] [--store HASH]
      Reconcile now: hand every order changed since then (default: the watermark) to its workflow.
  bcsync catalog plan [--since ISO] [--sku A,B] [--max-pages N] [--show 50] [--json] [--store HASH]
      Dry run of the catalog sync: what the next run would change in BigCommerce, writing nothing.
  bcsync catalog run [--since ISO] | retry [--sku A,B] | skip [--sku A,B]  [--store HASH]
      Run the catalog sync now, or decide on parked catalog items (all of them without --sku).
  bcsync repair erp-totals --since 2026-01-01 [--until ISO] [--store HASH] [--dry-run]
                 [--verify-for 600] [--json] [--out report.json]
      Finds ERP sales orders whose total differs from BigCommerce's (orders created in the window)
      and has them written again; reports what it found and whether it came right.
  bcsync demo [--count 3]
      Creates realistic orders in the BigCommerce sandbox (BC_API_URL, default the local one).
  bcsync replay <workflowId>... | --query '<visibility query>' [--limit 100] [--json]
      Downloads histories from Temporal (TEMPORAL_*) and replays them against the code at hand:
      per run ok, non-deterministic (the event and the command that differ) or failed, then
      \`replay: histories=N ok=K nondeterministic=M failed=F\`. Exit 0 only when all replay: a
      deploy gate (docs/replay.md).
  bcsync history export <workflowId> [--run-id ID] [--out FILE] [--scrub] [--no-verify]
      One run's history as JSON for the replay test set (test/histories); --scrub decodes it and
      replaces personal data with fakes of the same shape, in clear. Checked by replaying it.
  bcsync cluster up|down|status [--data-dir .data/cluster] [--port 7333] [--pg-port 55432]
                 [--metrics-port 7341] [--ui-port 8333 | --no-ui] [--shards 4] [--purge]
      A production-shaped Temporal on this machine, no Docker: PostgreSQL from the OS packages,
      Temporal's server built from the Go module proxy (cached), the project's config files
      (deploy/temporal), namespace, search attributes, Web UI. up prints TEMPORAL_ADDRESS; down
      stops it all (--purge deletes the data). docs/deployment.md. \`bcsync cluster build\` only
      builds (or finds cached) the server, SQL tool and UI binaries and prints their paths.
  bcsync rehearse (--preset flash-sale|black-friday | --scenario sale.yaml) --out DIR
                  [--plan P] [--quota N] [--time-scale K] [--headroom 0.1] [--lag-threshold-s 300]
      Rehearses a sale against the sandboxes at compressed time; writes DIR/index.html (charts,
      verdict) and DIR/summary.json (docs/rehearse.md).
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'dev': {
      const { values } = parseArgs({
        args: rest,
        options: {
          demo: { type: 'boolean', default: false },
          'data-dir': { type: 'string', default: '.data' },
          'temporal-port': { type: 'string', default: process.env.TEMPORAL_PORT ?? '7233' },
          'ui-port': { type: 'string', default: process.env.TEMPORAL_UI_PORT ?? '8233' },
          'bc-port': { type: 'string', default: process.env.SANDBOX_BC_PORT ?? '4010' },
          'erp-port': { type: 'string', default: process.env.SANDBOX_ERP_PORT ?? '4020' },
          'oms-port': { type: 'string', default: process.env.SANDBOX_OMS_PORT ?? '4030' },
          'codec-port': { type: 'string', default: process.env.CODEC_PORT ?? '8089' },
        },
      });
      const { runDev } = await import('./dev');
      await runDev({
        demo: values.demo,
        dataDir: path.resolve(values['data-dir']),
        temporalPort: port(values['temporal-port']),
        uiPort: port(values['ui-port']),
        bcPort: port(values['bc-port']),
        erpPort: port(values['erp-port']),
        omsPort: port(values['oms-port']),
        codecPort: port(values['codec-port']),
      });
      return;
    }
    case 'worker': {
      const { runWorker } = await import('./worker');
      await runWorker();
      return;
    }
    case 'api': {
      const { runApi } = await import('./api');
      await runApi();
      return;
    }
    case 'codec-server': {
      const { values } = parseArgs({ args: rest, options: { host: { type: 'string' }, port: { type: 'string' } } });
      const { runCodecServer } = await import('./codec-server');
      await runCodecServer({ host: values.host, port: values.port === undefined ? undefined : port(values.port) });
      return;
    }
    case 'payload-key': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { id: { type: 'string' } } });
      if (positionals[0] !== 'new') throw new UsageError('usage: bcsync payload-key new [--id KEY_ID]');
      const { printNewPayloadKey } = await import('./codec-server');
      printNewPayloadKey(values.id);
      return;
    }
    case 'sandbox': {
      const { values } = parseArgs({
        args: rest,
        options: {
          host: { type: 'string', default: process.env.SANDBOX_HOST ?? '127.0.0.1' },
          'bc-port': { type: 'string', default: process.env.SANDBOX_BC_PORT ?? '4010' },
          'erp-port': { type: 'string', default: process.env.SANDBOX_ERP_PORT ?? '4020' },
          'oms-port': { type: 'string', default: process.env.SANDBOX_OMS_PORT ?? '4030' },
          'store-hash': { type: 'string', default: 'sandbox' },
          'access-token': { type: 'string', default: 'sandbox-token' },
          'client-secret': { type: 'string', default: 'sandbox-client-secret' },
          plan: { type: 'string', default: 'standard' },
          quota: { type: 'string' },
          'window-ms': { type: 'string', default: '30000' },
          'rate-limit': { type: 'string', default: 'on' },
          'webhook-time-scale': { type: 'string', default: '1' },
          'data-dir': { type: 'string' },
          'erp-auth': { type: 'string', default: process.env.SANDBOX_ERP_AUTH ?? 'bearer' },
        },
      });
      if (!['standard', 'plus', 'pro', 'enterprise'].includes(values.plan)) throw new UsageError(`--plan must be standard, plus, pro or enterprise, got ${values.plan}`);
      if (!['on', 'off'].includes(values['rate-limit'])) throw new UsageError(`--rate-limit must be on or off`);
      const erpAuth = values['erp-auth'];
      if (erpAuth !== 'bearer' && erpAuth !== 'm2m' && erpAuth !== 'tba') throw new UsageError(`--erp-auth must be bearer, m2m or tba, got ${erpAuth}`);
      const { runSandbox } = await import('./sandbox');
      await runSandbox({
        host: values.host,
        bcPort: port(values['bc-port']),
        erpPort: port(values['erp-port']),
        omsPort: port(values['oms-port']),
        storeHash: values['store-hash'],
        accessToken: values['access-token'],
        clientSecret: values['client-secret'],
        plan: values.plan as 'standard' | 'plus' | 'pro' | 'enterprise',
        quota: values.quota !== undefined ? positive(values.quota, '--quota') : undefined,
        windowMs: positive(values['window-ms'], '--window-ms'),
        rateLimit: values['rate-limit'] === 'on',
        webhookTimeScale: positive(values['webhook-time-scale'], '--webhook-time-scale'),
        dataDir: values['data-dir'],
        erpAuth,
      });
      return;
    }
    case 'hooks': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { destination: { type: 'string' }, 'exception-destination': { type: 'string' }, 'oms-destination': { type: 'string' } },
      });
      if (positionals[0] !== 'register' || !values.destination)
        throw new UsageError('usage: bcsync hooks register --destination URL [--exception-destination URL] [--oms-destination URL]');
      const config = loadConfig();
      const { registerHooks, registerOmsWebhook } = await import('./register-hooks');
      const exceptions = values['exception-destination'] ?? `${values.destination.replace(/\/+$/, '')}/exceptions`;
      for (const store of config.stores) {
        for (const r of await registerHooks(store, values.destination, config.api.webhookSecret, exceptions, { inventory: config.inventory.enabled })) {
          console.log(`${store.storeHash}: ${r.scope} -> ${r.destination}: hook ${r.hookId} ${r.was === 'ok' ? 'ok' : `${r.was}, repaired`}`);
        }
      }
      if (values['oms-destination']) {
        const r = await registerOmsWebhook(config, values['oms-destination']);
        console.log(`OMS: SHIP_NOTIFY -> ${values['oms-destination']}: webhook ${r.webhookId} ${r.outcome}`);
      }
      return;
    }
    case 'doctor': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false }, 'data-dir': { type: 'string', default: '.data' } } });
      const { runDoctorCommand } = await import('./doctor');
      process.exitCode = await runDoctorCommand({ json: values.json, dataDir: values['data-dir'] });
      return;
    }
    case 'attention': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { store: { type: 'string' }, json: { type: 'boolean', default: false } } });
      if (positionals[0] !== 'list') throw new UsageError('usage: bcsync attention list [--store HASH] [--json]');
      const { runAttentionList } = await import('./ops');
      await runAttentionList({ store: values.store, json: values.json });
      return;
    }
    case 'retry':
    case 'skip':
    case 'resolve': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { 'sku-map': { type: 'string' }, note: { type: 'string' } } });
      const workflowId = positionals[0];
      if (!workflowId) throw new UsageError(`usage: bcsync ${command} <workflowId> ${command === 'retry' ? '[--sku-map OLD=NEW,...] ' : ''}[--note text]`);
      const { runDecision, parseSkuMap } = await import('./ops');
      const skuMap = parseSkuMap(values['sku-map']);
      if (skuMap && command !== 'retry') throw new UsageError('--sku-map goes with retry only');
      await runDecision(workflowId, { action: command, ...(skuMap ? { skuMap } : {}), ...(values.note ? { note: values.note } : {}) });
      return;
    }
    case 'reconcile': {
      const { values } = parseArgs({ args: rest, options: { since: { type: 'string' }, store: { type: 'string' } } });
      const config = loadConfig();
      const sinceMs = values.since !== undefined ? Date.parse(values.since) : undefined;
      if (sinceMs !== undefined && Number.isNaN(sinceMs)) throw new UsageError(`--since takes a date and time, e.g. 2026-11-27T10:00:00Z; got ${values.since}`);
      const stores = values.store ? config.stores.filter((s) => s.storeHash === values.store) : config.stores;
      if (stores.length === 0) throw new UsageError(`no store ${values.store} in the configuration`);
      const { connectClient } = await import('../workers/temporal-connection');
      const { requestReconcile } = await import('../clients/monitoring');
      const { client, close } = await connectClient(config.temporal);
      try {
        for (const s of stores) {
          const id = await requestReconcile(client, config, s.storeHash, { sinceS: sinceMs !== undefined ? Math.floor(sinceMs / 1000) : undefined, reason: 'CLI' });
          console.log(`${id}: reconciling store ${s.storeHash} from ${values.since ?? 'its watermark'}`);
        }
      } finally {
        await close();
      }
      return;
    }
    case 'catalog': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          since: { type: 'string' },
          sku: { type: 'string' },
          store: { type: 'string' },
          'max-pages': { type: 'string', default: '100' },
          show: { type: 'string', default: '50' },
          json: { type: 'boolean', default: false },
        },
      });
      const action = positionals[0];
      if (action !== 'plan' && action !== 'run' && action !== 'retry' && action !== 'skip')
        throw new UsageError('usage: bcsync catalog plan|run|retry|skip [options] (bcsync help)');
      const config = loadConfig();
      const store = values.store ? config.stores.find((s) => s.storeHash === values.store) : config.stores[0];
      if (!store) throw new UsageError(`no store ${values.store} in the configuration`);
      const sinceMs = values.since !== undefined ? Date.parse(values.since) : undefined;
      if (sinceMs !== undefined && Number.isNaN(sinceMs)) throw new UsageError(`--since takes a date and time, e.g. 2026-11-27T10:00:00Z; got ${values.since}`);
      const skus = values.sku
        ? values.sku
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
      const catalog = await import('./catalog');
      if (action === 'plan')
        await catalog.runCatalogPlan(config, store, {
          sinceMs,
          skus,
          maxPages: positive(values['max-pages'], '--max-pages'),
          show: positive(values.show, '--show'),
          json: values.json,
        });
      else await catalog.runCatalogCommand(config, store, action, { sinceMs, skus });
      return;
    }
    case 'repair': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          since: { type: 'string' },
          until: { type: 'string' },
          store: { type: 'string' },
          'dry-run': { type: 'boolean', default: false },
          'verify-for': { type: 'string', default: '600' },
          json: { type: 'boolean', default: false },
          out: { type: 'string' },
        },
      });
      if (positionals[0] !== 'erp-totals' || !values.since)
        throw new UsageError('usage: bcsync repair erp-totals --since 2026-01-01 [--until ISO] [--store HASH] [--dry-run] [--verify-for SECONDS] [--json] [--out FILE]');
      const fromMs = Date.parse(values.since);
      const untilMs = values.until !== undefined ? Date.parse(values.until) : Date.now();
      if (Number.isNaN(fromMs) || Number.isNaN(untilMs) || untilMs <= fromMs)
        throw new UsageError(`--since and --until take dates, e.g. 2026-11-27 or 2026-11-27T10:00:00Z, --since first; got ${values.since} .. ${values.until ?? 'now'}`);
      const config = loadConfig();
      const store = values.store ? config.stores.find((s) => s.storeHash === values.store) : config.stores[0];
      if (!store) throw new UsageError(`no store ${values.store} in the configuration`);
      const { runRepairErpTotals } = await import('./repair');
      await runRepairErpTotals(config, store, {
        fromMs,
        untilMs,
        dryRun: values['dry-run'],
        verifyForMs: positive(values['verify-for'], '--verify-for') * 1000,
        json: values.json,
        out: values.out,
      });
      return;
    }
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { count: { type: 'string', default: '3' } } });
      const env = { ...DEV_DEFAULTS, ...process.env };
      const { createDemoOrders } = await import('@bigcommerce-sync/sandbox');
      const ids = await createDemoOrders({
        apiUrl: env.BC_API_URL!,
        storeHash: env.BC_STORE_HASH!,
        accessToken: env.BC_ACCESS_TOKEN!,
        count: positive(values.count, '--count'),
        offset: Math.floor(Math.random() * 3),
      });
      console.log(`created sandbox orders ${ids.join(', ')}: find them in the Web UI with BcOrderId in (${ids.join(', ')})`);
      return;
    }
    case 'replay':
    case 'history': {
      const { runReplayCommand, runHistoryExportCommand, ReplayUsageError } = await import('./replay/command');
      try {
        process.exitCode = await (command === 'replay' ? runReplayCommand(rest) : runHistoryExportCommand(rest));
      } catch (err) {
        throw err instanceof ReplayUsageError ? new UsageError(err.message) : err;
      }
      return;
    }
    case 'cluster': {
      const { runClusterCommand, ClusterUsageError } = await import('./cluster');
      try {
        await runClusterCommand(rest);
      } catch (err) {
        throw err instanceof ClusterUsageError ? new UsageError(err.message) : err;
      }
      return;
    }
    case 'rehearse': {
      const { runRehearseCommand, RehearseUsageError } = await import('./rehearse/command');
      try {
        await runRehearseCommand(rest);
      } catch (err) {
        throw err instanceof RehearseUsageError ? new UsageError(err.message) : err;
      }
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`unknown command: ${command}\n\n${USAGE}`);
  }
}

class UsageError extends Error {}

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`not a port: ${text}`);
  return n;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got ${text}`);
  return n;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof UsageError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
