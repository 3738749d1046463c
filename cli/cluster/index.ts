import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { binDir, ensureServerBinaries, ensureUiBinary, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from './binaries';
import {
  type ClusterLayout,
  type ClusterSettings,
  clusterLayout,
  clusterSettings,
  DEFAULT_DATA_DIR,
  DEFAULTS,
  deployDir,
  readSettings,
  servicePorts,
  writeSettings,
} from './layout';
import { databasePassword, ensurePostgres, findPostgres, initPostgres, PG_HINT, postgresPid, postgresRunAs, runningPostgresPort, startPostgres, stopPostgres } from './postgres';
import { lock, rssMb } from './processes';
import { setupSchemas } from './schema';
import { address, ensureNamespaceAndSearchAttributes, serverPid, startServer, stopServer, waitHealthy } from './temporal-server';
import { startUi, stopUi, uiPid, uiUrl } from './web-ui';

/**
 * `bcsync cluster up|down|status`: a production-shaped Temporal on this machine without Docker.
 * PostgreSQL from the OS packages in a private data directory, Temporal's schema set up with its own
 * SQL tool, Temporal's server (built from the Go module proxy, cached) started with the project's
 * config files (deploy/temporal), the namespace and the project's search attributes, the Web UI.
 * docs/deployment.md, "A production-shaped Temporal on one machine".
 */
export class ClusterUsageError extends Error {}

export const CLUSTER_USAGE =
  'usage: bcsync cluster up|down|status|build [--data-dir .data/cluster] [--port 7333] [--pg-port 55432] [--metrics-port 7341] [--ui-port 8333 | --no-ui] [--shards 4] [--namespace default] [--retention-days 3] [--bin-dir DIR] [--purge]';

export interface UpOptions {
  dataDir: string;
  port?: number;
  pgPort?: number;
  metricsPort?: number;
  /** 0: no Web UI. */
  uiPort?: number;
  shards?: number;
  namespace?: string;
  retentionDays?: number;
  binDir?: string;
}

export interface ClusterState {
  settings: ClusterSettings;
  address: string;
  postgres?: { pid: number; version: string };
  server?: { pid: number; rssMb?: number };
  ui?: { pid: number; url: string };
  uiProblem?: string;
}

type Say = (line: string) => void;
const stderrSay: Say = (line) => console.error(`[cluster] ${line}`);

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** The settings of this `up`: flags, then what the cluster was made with, then TEMPORAL_NAMESPACE, then defaults. */
function resolveSettings(opts: UpOptions, previous: ClusterSettings | undefined, layout: ClusterLayout): ClusterSettings {
  const initialized = existsSync(path.join(layout.pgDir, 'PG_VERSION'));
  if (previous && initialized && opts.shards !== undefined && opts.shards !== previous.shards) {
    throw new ClusterUsageError(
      `this cluster was created with ${previous.shards} history shards; Temporal cannot change that later (--shards ${opts.shards}). Use another --data-dir, or \`bcsync cluster down --purge\` first (deletes its workflows).`,
    );
  }
  const merged = {
    port: opts.port ?? previous?.port ?? DEFAULTS.port,
    pgPort: opts.pgPort ?? previous?.pgPort ?? DEFAULTS.pgPort,
    metricsPort: opts.metricsPort ?? previous?.metricsPort ?? DEFAULTS.metricsPort,
    uiPort: opts.uiPort ?? previous?.uiPort ?? DEFAULTS.uiPort,
    shards: opts.shards ?? previous?.shards ?? DEFAULTS.shards,
    namespace: opts.namespace ?? previous?.namespace ?? process.env.TEMPORAL_NAMESPACE ?? DEFAULTS.namespace,
    retentionDays: opts.retentionDays ?? previous?.retentionDays ?? DEFAULTS.retentionDays,
  };
  const parsed = clusterSettings.safeParse(merged);
  if (!parsed.success) throw new ClusterUsageError(`invalid cluster settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const s = parsed.data;
  const taken = [...Object.values(servicePorts(s.port)), s.pgPort, s.metricsPort, ...(s.uiPort ? [s.uiPort] : [])];
  if (new Set(taken).size !== taken.length)
    throw new ClusterUsageError(`ports overlap: the server uses ${s.port}-${s.port + 7}, PostgreSQL ${s.pgPort}, metrics ${s.metricsPort}, the UI ${s.uiPort}`);
  return s;
}

/** Running pieces must match the settings asked for: a running cluster is not moved under its clients. */
function checkRunningMatches(layout: ClusterLayout, previous: ClusterSettings | undefined, next: ClusterSettings): void {
  if (!previous) return;
  const moved = (['port', 'pgPort', 'metricsPort', 'uiPort', 'namespace'] as const).filter((k) => previous[k] !== next[k]);
  const running = serverPid(layout) !== undefined || runningPostgresPort(layout) !== undefined || uiPid(layout) !== undefined;
  if (moved.length > 0 && running) {
    throw new ClusterUsageError(
      `the cluster in ${layout.dir} runs with ${moved.map((k) => `${k}=${previous[k]}`).join(', ')}; \`bcsync cluster down\` first to change ${moved.join(', ')}`,
    );
  }
}

export async function clusterUp(opts: UpOptions, say: Say = stderrSay): Promise<ClusterState> {
  const started = Date.now();
  const layout = clusterLayout(opts.dataDir);
  // Traversable by the postgres user (the database lives below); the secrets in it are 0600.
  mkdirSync(layout.dir, { recursive: true, mode: 0o755 });
  const unlock = lock(layout.lockFile);
  try {
    const previous = readSettings(layout);
    const settings = resolveSettings(opts, previous, layout);
    checkRunningMatches(layout, previous, settings);
    writeSettings(layout, settings);
    const deploy = deployDir();
    const bins = binDir(opts.binDir);

    let t = Date.now();
    const binaries = await ensureServerBinaries(bins, say);
    const pg = await ensurePostgres(say);
    const as = postgresRunAs();
    // PostgreSQL, run as another user, must get through the data directory to its own folder
    // (o+x lets it through without listing it; the secrets in it are 0600).
    const mode = statSync(layout.dir).mode;
    if (as && (mode & 0o001) === 0) chmodSync(layout.dir, (mode & 0o7777) | 0o011);
    const initialized = existsSync(path.join(layout.pgDir, 'PG_VERSION'));
    if (initialized && !existsSync(layout.passwordFile)) {
      throw new Error(`${layout.passwordFile} is missing, and the database in ${layout.pgDir} was made with it: restore it, or \`bcsync cluster down --purge\` and up again`);
    }
    const password = databasePassword(layout, () => randomBytes(24).toString('base64url'));
    if (await initPostgres(layout, pg, as, password)) say(`PostgreSQL ${pg.version}: initdb ${layout.pgDir} (${seconds(t)})`);

    t = Date.now();
    let pgPid = await postgresPid(layout, pg, as);
    if (pgPid === undefined) {
      pgPid = await startPostgres(layout, pg, as, settings.pgPort);
      say(`PostgreSQL ${pg.version}: started on 127.0.0.1:${settings.pgPort} (${seconds(t)})`);
    }

    let pid = serverPid(layout);
    if (pid === undefined) {
      t = Date.now();
      await setupSchemas(binaries.sqlTool, layout, settings.pgPort, password);
      say(`schema: temporal and temporal_visibility up to date (${seconds(t)})`);
      t = Date.now();
      pid = await startServer(binaries.server, layout, settings, password, deploy);
      say(`Temporal server ${TEMPORAL_SERVER_VERSION}: started on ${address(settings)} (${seconds(t)})`);
    } else {
      await waitHealthy(settings, layout, pid, 60_000);
    }

    t = Date.now();
    const { namespaceCreated, attributesAdded } = await ensureNamespaceAndSearchAttributes(settings);
    if (namespaceCreated) say(`namespace ${settings.namespace}: created (retention ${settings.retentionDays} days)`);
    if (attributesAdded.length > 0) say(`search attributes registered: ${attributesAdded.join(', ')}`);
    if (namespaceCreated || attributesAdded.length > 0) {
      // Each service caches namespaces and search attributes (up to 60 s): a restart makes every
      // one of them read the new ones now, so the first workflow does not fail on a stale cache.
      await stopServer(layout);
      pid = await startServer(binaries.server, layout, settings, password, deploy);
      say(`Temporal server restarted so every service sees them (${seconds(t)})`);
    }

    const state: ClusterState = { settings, address: address(settings), postgres: { pid: pgPid, version: pg.version }, server: { pid, rssMb: rssMb(pid) } };
    if (settings.uiPort > 0) {
      try {
        const ui = await ensureUiBinary(bins, say);
        let uPid = uiPid(layout);
        if (uPid === undefined) {
          uPid = await startUi(ui, layout, settings, deploy);
          say(`Web UI ${TEMPORAL_UI_VERSION}: ${uiUrl(settings)}`);
        }
        state.ui = { pid: uPid, url: uiUrl(settings) };
      } catch (err) {
        // The UI is a convenience: the cluster is up without it.
        state.uiProblem = err instanceof Error ? err.message : String(err);
        say(`Web UI not started: ${state.uiProblem}`);
      }
    }
    say(`up in ${seconds(started)}`);
    return state;
  } finally {
    unlock();
  }
}

export async function clusterDown(dataDir: string, purge: boolean, say: Say = stderrSay): Promise<void> {
  const layout = clusterLayout(dataDir);
  if (!existsSync(layout.dir)) {
    say(`no cluster in ${layout.dir}`);
    return;
  }
  const looksLikeCluster = existsSync(layout.settingsFile) || existsSync(layout.pgDir);
  if (purge && !looksLikeCluster) throw new ClusterUsageError(`${layout.dir} does not look like a bcsync cluster's data directory (no cluster.json, no pg/): not deleting it`);
  const unlock = lock(layout.lockFile);
  try {
    if (await stopUi(layout)) say('Web UI stopped');
    if (await stopServer(layout)) say('Temporal server stopped');
    if (existsSync(path.join(layout.pgDir, 'postmaster.pid'))) {
      const pg = findPostgres();
      if (!pg) throw new Error(`PostgreSQL of ${layout.pgDir} may still run, and its pg_ctl is not found. ${PG_HINT}`);
      if (await stopPostgres(layout, pg, postgresRunAs())) say('PostgreSQL stopped');
    }
  } finally {
    unlock();
  }
  if (purge) {
    rmSync(layout.dir, { recursive: true, force: true });
    say(`removed ${layout.dir}`);
  }
}

export async function clusterStatus(dataDir: string): Promise<ClusterState | undefined> {
  const layout = clusterLayout(dataDir);
  const settings = readSettings(layout);
  if (!settings) return undefined;
  const pg = findPostgres();
  const pgPid = pg ? await postgresPid(layout, pg, postgresRunAs()) : undefined;
  const pid = serverPid(layout);
  const uPid = uiPid(layout);
  return {
    settings,
    address: address(settings),
    ...(pgPid && pg ? { postgres: { pid: pgPid, version: pg.version } } : {}),
    ...(pid ? { server: { pid, rssMb: rssMb(pid) } } : {}),
    ...(uPid ? { ui: { pid: uPid, url: uiUrl(settings) } } : {}),
  };
}

/** What runs where, one line each; TEMPORAL_ADDRESS last when the server runs. */
export function describe(state: ClusterState, layout: ClusterLayout): string[] {
  const s = state.settings;
  const lines = [
    state.postgres
      ? `postgresql   running  127.0.0.1:${s.pgPort}  pid ${state.postgres.pid}  PostgreSQL ${state.postgres.version}, data ${layout.pgDir}, password in ${layout.passwordFile}`
      : `postgresql   stopped  (127.0.0.1:${s.pgPort})`,
    state.server
      ? `temporal     running  ${state.address}  pid ${state.server.pid}  ${TEMPORAL_SERVER_VERSION}, ${s.shards} history shards, namespace ${s.namespace}, metrics http://127.0.0.1:${s.metricsPort}/metrics${state.server.rssMb ? `, rss ${state.server.rssMb} MB` : ''}`
      : `temporal     stopped  (${state.address})`,
    s.uiPort === 0
      ? 'web-ui       off (--no-ui)'
      : state.ui
        ? `web-ui       running  ${state.ui.url}  pid ${state.ui.pid}  ${TEMPORAL_UI_VERSION}`
        : `web-ui       stopped  (${uiUrl(s)})${state.uiProblem ? `: ${state.uiProblem.split('\n')[0]}` : ''}`,
    `logs         ${layout.logDir}`,
  ];
  if (state.server) lines.push(`TEMPORAL_ADDRESS=${state.address}`);
  return lines;
}

function int(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ClusterUsageError(`${flag} takes a whole number, got ${text}`);
  return n;
}

export async function runClusterCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string', default: process.env.BCSYNC_CLUSTER_DIR ?? DEFAULT_DATA_DIR },
      port: { type: 'string' },
      'pg-port': { type: 'string' },
      'metrics-port': { type: 'string' },
      'ui-port': { type: 'string' },
      'no-ui': { type: 'boolean', default: false },
      shards: { type: 'string' },
      namespace: { type: 'string' },
      'retention-days': { type: 'string' },
      'bin-dir': { type: 'string' },
      purge: { type: 'boolean', default: false },
    },
  });
  const action = positionals[0];
  const dataDir = path.resolve(values['data-dir']);
  const layout = clusterLayout(dataDir);
  switch (action) {
    case 'up': {
      if (values.purge) throw new ClusterUsageError('--purge goes with down');
      const state = await clusterUp({
        dataDir,
        port: int(values.port, '--port'),
        pgPort: int(values['pg-port'], '--pg-port'),
        metricsPort: int(values['metrics-port'], '--metrics-port'),
        uiPort: values['no-ui'] ? 0 : int(values['ui-port'], '--ui-port'),
        shards: int(values.shards, '--shards'),
        namespace: values.namespace,
        retentionDays: int(values['retention-days'], '--retention-days'),
        binDir: values['bin-dir'],
      });
      for (const line of describe(state, layout)) console.log(line);
      return;
    }
    case 'down':
      await clusterDown(dataDir, values.purge);
      return;
    case 'build': {
      // Only the binaries (built once, cached by version), as NAME=value lines: what
      // deploy/local-images/build.sh copies into its images. Starts nothing.
      const bins = binDir(values['bin-dir']);
      const { server, sqlTool } = await ensureServerBinaries(bins, stderrSay);
      const ui = await ensureUiBinary(bins, stderrSay);
      console.log(`TEMPORAL_SERVER_VERSION=${TEMPORAL_SERVER_VERSION}\nTEMPORAL_SERVER_BIN=${server}\nTEMPORAL_SQL_TOOL_BIN=${sqlTool}`);
      console.log(`TEMPORAL_UI_VERSION=${TEMPORAL_UI_VERSION}\nTEMPORAL_UI_SERVER_BIN=${ui}`);
      return;
    }
    case 'status': {
      const state = await clusterStatus(dataDir);
      if (!state) {
        console.log(`no cluster in ${dataDir} (bcsync cluster up)`);
        process.exitCode = 3;
        return;
      }
      for (const line of describe(state, layout)) console.log(line);
      const wanted = state.postgres && state.server && (state.settings.uiPort === 0 || state.ui);
      if (!wanted) process.exitCode = 3;
      return;
    }
    default:
      throw new ClusterUsageError(CLUSTER_USAGE);
  }
}
