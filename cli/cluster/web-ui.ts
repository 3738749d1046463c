import type { ClusterLayout, ClusterSettings } from './layout';
import { runningPid, startDetached, stopPid, tail, waitFor } from './processes';
import { address } from './temporal-server';

/**
 * Temporal's Web UI (ui-server, which embeds the UI's assets), from deploy/temporal/config/ui.yaml, on
 * 127.0.0.1 only: it has no login. TEMPORAL_CODEC_ENDPOINT (e.g. `bcsync codec-server`'s
 * http://127.0.0.1:8089/t/<token>) is passed on when set, so the UI shows decoded payloads.
 */
export const uiUrl = (settings: ClusterSettings) => `http://127.0.0.1:${settings.uiPort}`;

export function uiPid(layout: ClusterLayout): number | undefined {
  return runningPid(layout.uiPid);
}

export async function startUi(binary: string, layout: ClusterLayout, settings: ClusterSettings, deploy: string): Promise<number> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TEMPORAL_ADDRESS: address(settings),
    TEMPORAL_UI_HOST: '127.0.0.1',
    TEMPORAL_UI_PORT: String(settings.uiPort),
    TEMPORAL_DEFAULT_NAMESPACE: settings.namespace,
    ...(process.env.TEMPORAL_CODEC_ENDPOINT ? { TEMPORAL_CODEC_ENDPOINT: process.env.TEMPORAL_CODEC_ENDPOINT } : {}),
  };
  const pid = startDetached({
    command: binary,
    args: ['--root', deploy, '--config', 'config', '--env', 'ui', 'start'],
    env,
    logFile: layout.uiLog,
    pidFile: layout.uiPid,
    cwd: layout.dir,
  });
  await waitFor(`Web UI on ${uiUrl(settings)}`, async () => ((await fetch(uiUrl(settings), { signal: AbortSignal.timeout(2_000) })).ok ? true : undefined), {
    timeoutMs: 30_000,
    abort: () => (runningPid(layout.uiPid) === pid ? undefined : `the UI server exited; ${layout.uiLog} ends with:\n${tail(layout.uiLog)}`),
  });
  return pid;
}

export async function stopUi(layout: ClusterLayout): Promise<boolean> {
  const pid = uiPid(layout);
  if (!pid) return false;
  await stopPid(pid, 10_000);
  return true;
}
