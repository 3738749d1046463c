import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A bench's result, written to `bench/results/<name>.json` when it finishes. `bench/README.md`'s
 * tables are generated from these files (`npm run bench -- report`), so no figure is copied by hand.
 */
export interface Figure {
  value: number | string | boolean;
  /** Who counted it: e.g. "BigCommerce sandbox request log", "Temporal server action metric". */
  witness: string;
  /** The goal in words, e.g. "<= 12", "0"; absent for a figure without one. */
  goal?: string;
  /** Whether the goal was met; absent for a figure without a goal. */
  met?: boolean;
}

export interface BenchResult {
  name: string;
  /** The one line the bench prints, e.g. `chaos: orders=2000 ...`. */
  line: string;
  /** The command that produced it. */
  command: string;
  figures: Record<string, Figure>;
  /** The baseline's line, measured in the same run, when the bench has one. */
  baseline?: string;
  /** Further lines the README shows (per-phase or per-scenario details). */
  details?: string[];
  startedAt: string;
  durationS: number;
  machine: string;
}

export const RESULTS_DIR = path.join(__dirname, '..', 'results');

export function writeResult(result: Omit<BenchResult, 'machine'>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.name}.json`);
  const full: BenchResult = { ...result, machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}` };
  writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  return file;
}

/** Throws when a bench could not carry out its scenario: a bench must fail loudly, never half-run. */
export function must(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`bench scenario could not run: ${what}`);
}

/** Checks a control call's answer (a sandbox control answering an error stops the bench). */
export async function control(res: Response | Promise<Response>, what: string): Promise<Response> {
  const r = await res;
  if (!r.ok) throw new Error(`bench scenario could not run: ${what} answered ${r.status} ${await r.text().catch(() => '')}`.slice(0, 500));
  return r;
}
