import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Where `bcsync cluster` keeps a cluster: everything under one data directory (PostgreSQL's data,
 * the generated database password, pid files, logs, and the settings the cluster was made with).
 */
export const DEFAULT_DATA_DIR = '.data/cluster';

export const DEFAULTS = {
  /** The frontend's gRPC port (TEMPORAL_ADDRESS); the other services use the next seven (PORT_OFFSETS). */
  port: 7333,
  pgPort: 55432,
  metricsPort: 7341,
  uiPort: 8333,
  /** Fixed when the cluster is created: Temporal cannot change it later. docs/deployment.md (sizing). */
  shards: 4,
  namespace: 'default',
  retentionDays: 3,
} as const;

/** The Temporal services' ports, from the frontend's: gRPC and membership (ringpop) for each. */
export function servicePorts(port: number) {
  return {
    frontendGrpc: port,
    frontendMembership: port + 1,
    historyGrpc: port + 2,
    historyMembership: port + 3,
    matchingGrpc: port + 4,
    matchingMembership: port + 5,
    workerGrpc: port + 6,
    workerMembership: port + 7,
  };
}

/** The highest port Temporal's SQL persistence can record for a service's membership (a SMALLINT column). */
export const MAX_MEMBERSHIP_PORT = 32767;

const portNumber = z.number().int().min(1).max(65535);

/** What a cluster was made with (cluster.json): later `up`s reuse it unless a flag says otherwise. */
export const clusterSettings = z.object({
  // Temporal's SQL schema keeps each service's membership (ringpop) port in cluster_membership.rpc_port, a
  // SMALLINT: a port above 32767 fails the server's start with "value out of range for type smallint".
  port: portNumber.max(
    MAX_MEMBERSHIP_PORT - 7,
    `the server's ports run from --port to --port + 7 and must stay at or below ${MAX_MEMBERSHIP_PORT} (PostgreSQL keeps them as SMALLINT)`,
  ),
  pgPort: portNumber,
  metricsPort: portNumber,
  /** 0: no Web UI. */
  uiPort: z.number().int().min(0).max(65535),
  shards: z.number().int().min(1).max(16384),
  namespace: z.string().min(1).max(255),
  retentionDays: z.number().int().min(1).max(3650),
});
export type ClusterSettings = z.infer<typeof clusterSettings>;

export interface ClusterLayout {
  dir: string;
  settingsFile: string;
  passwordFile: string;
  pgDir: string;
  logDir: string;
  pgLog: string;
  serverLog: string;
  uiLog: string;
  schemaLog: string;
  serverPid: string;
  uiPid: string;
  lockFile: string;
}

export function clusterLayout(dataDir: string): ClusterLayout {
  const dir = path.resolve(dataDir);
  const logDir = path.join(dir, 'logs');
  return {
    dir,
    settingsFile: path.join(dir, 'cluster.json'),
    passwordFile: path.join(dir, 'postgres-password'),
    pgDir: path.join(dir, 'pg'),
    logDir,
    pgLog: path.join(logDir, 'postgres.log'),
    serverLog: path.join(logDir, 'temporal-server.log'),
    uiLog: path.join(logDir, 'web-ui.log'),
    schemaLog: path.join(logDir, 'schema.log'),
    serverPid: path.join(dir, 'temporal-server.pid'),
    uiPid: path.join(dir, 'web-ui.pid'),
    lockFile: path.join(dir, '.lock'),
  };
}

export function readSettings(layout: ClusterLayout): ClusterSettings | undefined {
  if (!existsSync(layout.settingsFile)) return undefined;
  const parsed = clusterSettings.safeParse(JSON.parse(readFileSync(layout.settingsFile, 'utf8')));
  if (!parsed.success) throw new Error(`${layout.settingsFile} is not a bcsync cluster's settings file: ${parsed.error.message}`);
  return parsed.data;
}

export function writeSettings(layout: ClusterLayout, settings: ClusterSettings): void {
  mkdirSync(layout.dir, { recursive: true });
  const tmp = `${layout.settingsFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`);
  renameSync(tmp, layout.settingsFile);
}

/**
 * The project's Temporal config files (deploy/temporal): next to cli/ in the sources, next to dist/
 * in a build (dist/cli/cluster is one level deeper).
 */
export function deployDir(): string {
  const candidates = [path.resolve(__dirname, '../../deploy/temporal'), path.resolve(__dirname, '../../../deploy/temporal')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'config', 'postgresql.yaml')));
  if (!found) throw new Error(`deploy/temporal (the Temporal server's config files) not found; looked in ${candidates.join(', ')}`);
  return found;
}
