import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The images docker-compose.yml runs, as deploy/local-images/build.sh wrote them to its env file
 * (.data/local-images.env): the same variables compose reads, so the tests start exactly what
 * `docker-compose up` starts. A variable set in the environment wins over the file (as in compose).
 */
export const ROOT = path.resolve(__dirname, '../..');
export const LOCAL_IMAGES_ENV = path.join(ROOT, '.data/local-images.env');

const imageVariables = z.object({
  POSTGRES_IMAGE: z.string().min(1),
  TEMPORAL_SERVER_IMAGE: z.string().min(1),
  TEMPORAL_ADMIN_TOOLS_IMAGE: z.string().min(1),
  TEMPORAL_VERSION: z.string().min(1),
  TEMPORAL_UI_IMAGE: z.string().min(1),
  TEMPORAL_UI_VERSION: z.string().min(1),
  NODE_IMAGE: z.string().min(1),
  BCSYNC_IMAGE: z.string().min(1),
});
export type ImageVariables = z.infer<typeof imageVariables>;

export interface LocalImages {
  variables: ImageVariables;
  postgres: string;
  temporalServer: string;
  adminTools: string;
  ui: string;
  app: string;
}

/** KEY=value lines (comments and blank lines skipped), as compose and `set -a; .` read them. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.trim();
  }
  return out;
}

/** The images to run; throws, saying how to build them, when neither the environment nor the env file names them. */
export function localImages(env: NodeJS.ProcessEnv = process.env, file = LOCAL_IMAGES_ENV): LocalImages {
  const fromFile = existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
  const fromEnv = Object.fromEntries(Object.keys(imageVariables.shape).flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
  const parsed = imageVariables.safeParse({ ...fromFile, ...fromEnv });
  if (!parsed.success) {
    throw new Error(
      `the local images are not named (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')} missing): build them with deploy/local-images/build.sh, which writes ${path.relative(ROOT, file)}`,
    );
  }
  const v = parsed.data;
  return {
    variables: v,
    postgres: v.POSTGRES_IMAGE,
    temporalServer: `${v.TEMPORAL_SERVER_IMAGE}:${v.TEMPORAL_VERSION}`,
    adminTools: `${v.TEMPORAL_ADMIN_TOOLS_IMAGE}:${v.TEMPORAL_VERSION}`,
    ui: `${v.TEMPORAL_UI_IMAGE}:${v.TEMPORAL_UI_VERSION}`,
    app: v.BCSYNC_IMAGE,
  };
}

/**
 * Whether this machine has a Docker engine: DOCKER_HOST, the engine's socket, or the daemon's binary.
 * Where it has one, a container that cannot start is a failure; only where it has none may a test skip.
 */
export function dockerEngine(env: NodeJS.ProcessEnv = process.env): { present: boolean; why: string } {
  if (env.DOCKER_HOST) return { present: true, why: `DOCKER_HOST=${env.DOCKER_HOST}` };
  if (existsSync('/var/run/docker.sock')) return { present: true, why: '/var/run/docker.sock' };
  for (const dir of (env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/usr/bin'])) {
    if (dir && existsSync(path.join(dir, 'dockerd'))) return { present: true, why: `${path.join(dir, 'dockerd')} (installed; start it: dockerd &)` };
  }
  return { present: false, why: 'no DOCKER_HOST, no /var/run/docker.sock, no dockerd' };
}

/**
 * docker-compose.yml's shell scripts as a container runs them: compose turns `$$` into `$`. The
 * tests run compose's own one-shot scripts, so they cannot drift from the file.
 */
export const composeScript = (text: string) => text.replace(/\$\$/g, '$');
