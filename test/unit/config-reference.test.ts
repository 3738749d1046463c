import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { settingGroups } from '../../config/env';
import { REFERENCE_COMMAND, REFERENCE_PATH, renderReference } from '../../config/reference';
import { defineSettings, duration, kind, setting, text, token } from '../../config/setting';

const root = path.join(__dirname, '..', '..');

describe('configuration reference', () => {
  it(`the committed docs/configuration.md is what the settings in config/ render to (run \`${REFERENCE_COMMAND}\` after changing a setting)`, () => {
    expect(readFileSync(REFERENCE_PATH, 'utf8'), `docs/configuration.md differs from the settings declared in config/: run \`${REFERENCE_COMMAND}\` and commit it`).toBe(
      renderReference(settingGroups),
    );
  });

  it('each group names the module that declares it', () => {
    for (const group of settingGroups) {
      const source = readFileSync(path.join(root, group.module), 'utf8');
      for (const s of Object.values(group.settings)) expect(source, `${s.env} is not declared in ${group.module}`).toContain(`'${s.env}'`);
    }
  });

  it('renders one table per group, a flow of several groups under one heading, defaults as written, secrets marked and pipes escaped', () => {
    const first = defineSettings({
      flow: 'Alpha',
      title: 'Alpha',
      module: 'config/alpha.ts',
      settings: {
        wait: setting('ALPHA_WAIT', duration, { default: '5m', description: 'How long | to wait.' }),
        key: setting('ALPHA_KEY', token(16), { required: true, secret: true, sandbox: 'alpha-key-change-me', description: 'The key.' }),
      },
    });
    const second = defineSettings({
      flow: 'Beta',
      title: 'Beta one',
      module: 'config/beta.ts',
      about: 'About beta.',
      settings: {
        url: setting('BETA_URL', text, { unset: 'unset: off', description: 'Where.' }),
        list: setting('BETA_LIST', text, { description: 'Anything.' }),
      },
    });
    const third = defineSettings({
      flow: 'Beta',
      title: 'Beta two',
      module: 'config/beta.ts',
      settings: { names: setting('BETA_NAMES', kind('names', z.string()), { default: '', description: 'Names.' }) },
    });
    const doc = renderReference([first, second, third]);
    const lines = doc.split('\n');
    expect(lines.filter((l) => l.startsWith('#'))).toEqual(['# Configuration reference', '## Alpha', '## Beta', '### Beta one', '### Beta two', '## Sandbox profile']);
    expect(lines).toContain('| `ALPHA_WAIT` | duration | `5m` | How long \\| to wait. |');
    expect(lines).toContain('| `ALPHA_KEY` | text, at least 16 characters, secret | required | The key. |');
    expect(lines).toContain('Declared in `config/beta.ts`. About beta.');
    expect(lines).toContain('| `BETA_URL` | text | unset: off | Where. |');
    expect(lines).toContain('| `BETA_LIST` | text | unset | Anything. |');
    expect(lines).toContain('| `BETA_NAMES` | names | empty | Names. |');
    // The sandbox profile lists only the settings that have a sandbox value.
    expect(doc.slice(doc.indexOf('## Sandbox profile'))).toContain('| `ALPHA_KEY` | `alpha-key-change-me` |');
    expect(doc.slice(doc.indexOf('## Sandbox profile'))).not.toContain('ALPHA_WAIT');
    expect(renderReference([first, second, third])).toBe(doc);
  });
});
