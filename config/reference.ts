import path from 'node:path';
import type { Setting, SettingsGroup } from './setting';

/**
 * docs/configuration.md, rendered from the settings each flow declares in config/<flow>.ts:
 * `npm run docs:config` writes it, and test/unit/config-reference.test.ts fails when the committed
 * file differs from what this renders.
 */
export const REFERENCE_PATH = path.join(__dirname, '..', 'docs', 'configuration.md');
export const REFERENCE_COMMAND = 'npm run docs:config';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text}\``;
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');

function defaultCell(s: Setting<unknown>): string {
  if (s.default !== undefined) return s.default === '' ? 'empty' : code(s.default);
  if (s.required) return 'required';
  return s.unset ?? 'unset';
}

function table(settings: readonly Setting<unknown>[]): string[] {
  return [
    '| Variable | Type | Default | Description |',
    '|---|---|---|---|',
    ...settings.map((s) => `| ${code(s.env)} | ${cell(s.secret ? `${s.type}, secret` : s.type)} | ${cell(defaultCell(s))} | ${cell(s.description)} |`),
  ];
}

/** The reference for these groups, in their order; a flow's groups under one heading. */
export function renderReference(groups: readonly SettingsGroup[]): string {
  const flows: { name: string; groups: SettingsGroup[] }[] = [];
  for (const g of groups) {
    const flow = flows.find((f) => f.name === g.flow);
    if (flow) flow.groups.push(g);
    else flows.push({ name: g.flow, groups: [g] });
  }
  const settings = groups.flatMap((g) => Object.values(g.settings));
  const sandbox = settings.filter((s) => s.sandbox !== undefined);
  const lines = [
    '# Configuration reference',
    '',
    `<!-- Generated from the settings declared in config/*.ts by \`${REFERENCE_COMMAND}\`: edit those, not this file. -->`,
    '',
    '`bcsync worker` and `bcsync api` read these environment variables and check them at start: a bad value',
    'stops the process with a message naming every bad variable (never its value). `bcsync dev` (`npm start`)',
    `and the demo run with the [sandbox profile](#${slug('Sandbox profile')}) filled in; outside it, no credential has a default.`,
    '',
    'Each flow declares its settings in `config/<flow>.ts` (name, type, default, description) and this page',
    'is generated from them. Durations are a whole number and a unit: `500ms`, `30s`, `10m`, `1h`, `7d`.',
    `The ports of \`bcsync dev\` and \`bcsync sandbox\` are flags: \`bcsync help\` lists them.`,
    '',
    ...flows.map((f) => `- [${f.name}](#${slug(f.name)})`),
    `- [Sandbox profile](#${slug('Sandbox profile')})`,
  ];
  for (const flow of flows) {
    lines.push('', `## ${flow.name}`);
    for (const g of flow.groups) {
      const own = flow.groups.length > 1 || g.title !== flow.name;
      if (own) lines.push('', `### ${g.title}`);
      lines.push('', [`Declared in \`${g.module}\`.`, g.about].filter(Boolean).join(' '), '', ...table(Object.values(g.settings)));
    }
  }
  lines.push(
    '',
    '## Sandbox profile',
    '',
    'What `bcsync dev`, `npm start` and `bcsync demo` use for a variable the environment leaves unset: the',
    'sandboxes on their default ports (`bcsync dev` puts in the ports it starts them on) and made-up credentials.',
    '',
    '| Variable | Value |',
    '|---|---|',
    ...sandbox.map((s) => `| ${code(s.env)} | ${cell(code(s.sandbox!))} |`),
  );
  return `${lines.join('\n')}\n`;
}
