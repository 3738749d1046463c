import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporalSettings } from '../../config/temporal';
import { ALL_SEARCH_ATTRIBUTES } from '../../domain/shared/search-attributes';
import { createLogger } from '../../lib/logger';
import { ensureSearchAttributes } from '../../workers/search-attributes';
import { connectClient } from '../../workers/temporal-connection';
import type { ClusterLayout, ClusterSettings } from './layout';
import { servicePorts } from './layout';
import { DB_USER } from './postgres';
import { runningPid, startDetached, stopPid, tail, waitFor } from './processes';

/**
 * Temporal's server on PostgreSQL, from the project's config (deploy/temporal/config/postgresql.yaml,
 * rendered by the server from the environment built here, and deploy/temporal/dynamicconfig.yaml).
 * Every service (frontend, history, matching, worker) in one process, on 127.0.0.1 only.
 */
export function serverEnv(settings: ClusterSettings, password: string, deploy: string): NodeJS.ProcessEnv {
  const p = servicePorts(settings.port);
  // A clean environment: the caller's LOG_LEVEL, TEMPORAL_* or SQL_* must not reach the server's config.
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LOG_LEVEL: 'warn',
    POSTGRES_SEEDS: '127.0.0.1',
    DB_PORT: String(settings.pgPort),
    POSTGRES_USER: DB_USER,
    POSTGRES_PWD: password,
    NUM_HISTORY_SHARDS: String(settings.shards),
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    FRONTEND_GRPC_PORT: String(p.frontendGrpc),
    FRONTEND_MEMBERSHIP_PORT: String(p.frontendMembership),
    HISTORY_GRPC_PORT: String(p.historyGrpc),
    HISTORY_MEMBERSHIP_PORT: String(p.historyMembership),
    MATCHING_GRPC_PORT: String(p.matchingGrpc),
    MATCHING_MEMBERSHIP_PORT: String(p.matchingMembership),
    WORKER_GRPC_PORT: String(p.workerGrpc),
    WORKER_MEMBERSHIP_PORT: String(p.workerMembership),
    PROMETHEUS_ENDPOINT: `127.0.0.1:${settings.metricsPort}`,
    DYNAMIC_CONFIG_FILE_PATH: path.join(deploy, 'dynamicconfig.yaml'),
  };
}

export const address = (settings: ClusterSettings) => `127.0.0.1:${settings.port}`;

export function serverPid(layout: ClusterLayout): number | undefined {
  return runningPid(layout.serverPid);
}

/** A connection for operator calls (no payloads: no codec needed), through the project's connection builder. */
async function operatorConnection(settings: ClusterSettings): Promise<{ connection: Connection; close: () => Promise<void> }> {
  const parsed = temporalSettings.parse({ TEMPORAL_ADDRESS: address(settings), TEMPORAL_NAMESPACE: settings.namespace, TEMPORAL_PAYLOAD_ENCRYPTION: 'false' });
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  return connectClient(parsed.value, { connectTimeoutMs: 5_000 });
}

/** Resolves once the frontend answers and reports its system as serving. */
async function waitHealthy(settings: ClusterSettings, layout: ClusterLayout, pid: number, timeoutMs: number): Promise<void> {
  await waitFor(
    `Temporal server on ${address(settings)}`,
    async () => {
      const { connection, close } = await operatorConnection(settings);
      try {
        await connection.workflowService.getSystemInfo({});
        // The system namespace exists once the server has bootstrapped itself.
        await connection.workflowService.describeNamespace({ namespace: 'temporal-system' });
        return true;
      } finally {
        await close();
      }
    },
    {
      timeoutMs,
      intervalMs: 1_000,
      abort: () => (runningPid(layout.serverPid) === pid ? undefined : `the server exited; ${layout.serverLog} ends with:\n${tail(layout.serverLog, 30)}`),
    },
  );
}

export async function startServer(binary: string, layout: ClusterLayout, settings: ClusterSettings, password: string, deploy: string): Promise<number> {
  mkdirSync(layout.logDir, { recursive: true });
  const pid = startDetached({
    command: binary,
    // deploy/temporal/config/postgresql.yaml: the config folder, then the environment's file.
    args: ['--root', deploy, '--config', 'config', '--env', 'postgresql', '--allow-no-auth', 'start'],
    env: serverEnv(settings, password, deploy),
    logFile: layout.serverLog,
    pidFile: layout.serverPid,
    cwd: layout.dir,
  });
  await waitHealthy(settings, layout, pid, 120_000);
  return pid;
}

export async function stopServer(layout: ClusterLayout): Promise<boolean> {
  const pid = serverPid(layout);
  if (!pid) return false;
  await stopPid(pid, 30_000);
  return true;
}

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The namespace (created with the retention asked for) and the project's search attributes.
 * Returns what it had to create: a server caches both (search attributes for up to 60 s in each
 * service), so the caller restarts the server after a change, and the next workflow sees them.
 */
export async function ensureNamespaceAndSearchAttributes(settings: ClusterSettings): Promise<{ namespaceCreated: boolean; attributesAdded: string[] }> {
  const { connection, close } = await operatorConnection(settings);
  try {
    let namespaceCreated = false;
    try {
      await connection.workflowService.describeNamespace({ namespace: settings.namespace });
    } catch (err) {
      if (grpcCode(err) !== 5) throw err; // NOT_FOUND
      await connection.workflowService.registerNamespace({
        namespace: settings.namespace,
        workflowExecutionRetentionPeriod: msToTs(`${settings.retentionDays} days`),
        description: 'bcsync (created by bcsync cluster up)',
      });
      namespaceCreated = true;
    }
    const existing = await waitFor(
      `namespace ${settings.namespace}`,
      async () => {
        const listed = await connection.operatorService.listSearchAttributes({ namespace: settings.namespace });
        return { ...listed.customAttributes, ...listed.systemAttributes };
      },
      { timeoutMs: 30_000 },
    );
    const attributesAdded = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in existing)).map((k) => k.name);
    await ensureSearchAttributes(connection, settings.namespace, createLogger('error', 'bcsync-cluster'));
    return { namespaceCreated, attributesAdded };
  } finally {
    await close();
  }
}

export { waitHealthy };
