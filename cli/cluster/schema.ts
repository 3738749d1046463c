import { appendFileSync } from 'node:fs';
import type { ClusterLayout } from './layout';
import { DB_USER } from './postgres';
import { run } from './processes';

/**
 * Temporal's two databases and their schemas, set up with Temporal's own SQL tool
 * (temporal-sql-tool, built from the same module version as the server), as Temporal's docker
 * images do: create the database, `setup-schema -v 0.0` (the version tables), then `update-schema`
 * to the newest version the tool ships. Idempotent: on an existing database every step is a no-op,
 * and after a server upgrade (a newer tool) it is the schema migration.
 *
 * The schemas are the versioned folders of the server's module (schema/postgresql/v12/...), which
 * the tool embeds: `--schema-name postgresql/v12/temporal` reads them from the binary, so a cleaned
 * Go module cache does not matter.
 */
export const DATABASES = [
  { db: 'temporal', schema: 'postgresql/v12/temporal' },
  { db: 'temporal_visibility', schema: 'postgresql/v12/visibility' },
] as const;

export async function setupSchemas(sqlTool: string, layout: ClusterLayout, pgPort: number, password: string): Promise<void> {
  // The password through the tool's environment (SQL_PASSWORD), not its command line (ps shows that).
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', SQL_PASSWORD: password };
  const common = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '--port', String(pgPort), '--user', DB_USER];
  const sql = async (db: string, args: string[], okWhen?: RegExp) => {
    const r = await run(sqlTool, [...common, '--db', db, ...args], { env, timeoutMs: 5 * 60_000 });
    appendFileSync(layout.schemaLog, `$ temporal-sql-tool --db ${db} ${args.join(' ')}  (exit ${r.code})\n${r.stdout}${r.stderr}\n`, { mode: 0o600 });
    const output = `${r.stdout}\n${r.stderr}`;
    if (r.code !== 0 && !okWhen?.test(output)) {
      throw new Error(`temporal-sql-tool ${args[0]} ${db} failed (exit ${r.code}); see ${layout.schemaLog}:\n${output.trim().split('\n').slice(-5).join('\n')}`);
    }
  };
  for (const { db, schema } of DATABASES) {
    await sql(db, ['create-database'], /already exists/);
    await sql(db, ['setup-schema', '-v', '0.0']);
    await sql(db, ['update-schema', '--schema-name', schema]);
  }
}
