import { writeFileSync } from 'node:fs';
import { settingGroups } from './env';
import { REFERENCE_PATH, renderReference } from './reference';

/** `npm run docs:config`: rewrites docs/configuration.md from the settings declared in config/. */
writeFileSync(REFERENCE_PATH, renderReference(settingGroups));
console.log(`wrote ${REFERENCE_PATH}`);
