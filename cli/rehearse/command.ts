import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { chartSpecs, renderHtml, renderSvgs } from './report';
import { presetScenario, PRESET_NAMES, quotaOf, resolveScenario, ScenarioError, type Scenario, type ScenarioOverrides } from './scenario';
import { computeSummary, type Summary } from './summary';
import { duration, verdictOf } from './verdict';

export const REHEARSE_USAGE = `usage: bcsync rehearse (--preset ${PRESET_NAMES.join('|')} | --scenario FILE.json|.yaml) --out DIR
         [--plan standard|plus|pro|enterprise] [--quota N] [--time-scale K] [--headroom 0.1] [--lag-threshold-s 300] [--inventory-sync on|off]`;

export class RehearseUsageError extends Error {}

const PLANS = ['standard', 'plus', 'pro', 'enterprise'] as const;

function number(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new RehearseUsageError(`${flag} takes a number, got ${text}`);
  return n;
}

/** The sale to rehearse, from the command line: a preset or a file, with the flags on top. */
export function scenarioFromArgs(args: string[]): { scenario: Scenario; out: string } {
  const { values } = parseArgs({
    args,
    options: {
      preset: { type: 'string' },
      scenario: { type: 'string' },
      out: { type: 'string' },
      plan: { type: 'string' },
      quota: { type: 'string' },
      'time-scale': { type: 'string' },
      headroom: { type: 'string' },
      'lag-threshold-s': { type: 'string' },
      'inventory-sync': { type: 'string' },
    },
  });
  if (!values.out) throw new RehearseUsageError(`--out DIR is required\n${REHEARSE_USAGE}`);
  if ((values.preset === undefined) === (values.scenario === undefined)) throw new RehearseUsageError(`give either --preset or --scenario\n${REHEARSE_USAGE}`);
  if (values.plan !== undefined && !(PLANS as readonly string[]).includes(values.plan)) throw new RehearseUsageError(`--plan must be ${PLANS.join(', ')}, got ${values.plan}`);
  const inv = values['inventory-sync'];
  if (inv !== undefined && inv !== 'on' && inv !== 'off') throw new RehearseUsageError(`--inventory-sync must be on or off, got ${inv}`);
  const overrides: ScenarioOverrides = {
    inventorySync: inv,
    plan: values.plan as ScenarioOverrides['plan'],
    quota: number(values.quota, '--quota'),
    timeScale: number(values['time-scale'], '--time-scale'),
    headroom: number(values.headroom, '--headroom'),
    lagThresholdS: number(values['lag-threshold-s'], '--lag-threshold-s'),
  };
  try {
    if (values.preset !== undefined) return { scenario: presetScenario(values.preset, overrides), out: path.resolve(values.out) };
    const file = values.scenario!;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new RehearseUsageError(`cannot read ${file}: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
    } catch (err) {
      throw new RehearseUsageError(`${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
    }
    return { scenario: resolveScenario(parsed, overrides), out: path.resolve(values.out) };
  } catch (err) {
    if (err instanceof ScenarioError) throw new RehearseUsageError(err.message);
    throw err;
  }
}

/** `bcsync rehearse`: runs the sale, writes DIR/index.html and DIR/summary.json, prints the verdict. */
export async function runRehearseCommand(args: string[], print: (line: string) => void = console.log): Promise<Summary> {
  const { scenario, out } = scenarioFromArgs(args);
  mkdirSync(out, { recursive: true });
  const started = Date.now();
  const stamp = () => `[rehearse ${duration((Date.now() - started) / 1000).padStart(9)}]`;
  print(`${stamp()} ${scenario.name}: ${scenario.description ?? ''}`.trimEnd());
  // Loaded here: the run brings in the product, the sandboxes and Temporal.
  const { runRehearsal } = await import('./run');
  const { record, wallS } = await runRehearsal({ scenario, progress: (line) => print(`${stamp()} ${line}`) });
  const computed = computeSummary(record);
  const verdict = verdictOf(scenario, quotaOf(scenario), computed.summary, computed.details);
  const charts = chartSpecs(computed, scenario);
  const svgs = await renderSvgs(charts);
  const html = renderHtml({ scenario, computed, verdict, charts, svgs, generatedAt: new Date().toISOString(), wallS });
  writeFileSync(path.join(out, 'index.html'), html);
  writeFileSync(
    path.join(out, 'summary.json'),
    `${JSON.stringify({ ...computed.summary, details: computed.details, verdict, scenario, windows: computed.series.windows.map((w) => ({ t_s: w.t_s, ours: w.ours, refused: w.refused, others: w.others })) }, null, 2)}\n`,
  );
  print('');
  print(verdict.headline);
  print('');
  print(verdict.capacity);
  print('');
  print(verdict.sale);
  print('');
  for (const c of verdict.changes) print(`- ${c}`);
  for (const c of verdict.caveats) print(`! ${c}`);
  print('');
  print(`summary: ${JSON.stringify(computed.summary)}`);
  print(`wrote ${path.join(out, 'index.html')} and ${path.join(out, 'summary.json')} (${duration((Date.now() - started) / 1000)})`);
  return computed.summary;
}
