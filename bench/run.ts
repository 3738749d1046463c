/**
 * `npm run bench -- <scenario>`: each scenario prints its figures and the baseline it compares
 * against, measured in the same run. Figures and commands are recorded in bench/README.md.
 */
const SCENARIOS: Record<string, () => Promise<unknown>> = {
  sandbox: () => import('./sandbox-throughput').then((m) => m.main()),
  quota: () => import('./quota').then((m) => m.main()),
  chaos: () => import('./chaos').then((m) => m.main()),
  outage: () => import('./outage').then((m) => m.main()),
  inventory: () => import('./inventory').then((m) => m.main()),
  catalog: () => import('./catalog').then((m) => m.main()),
  ingest: () => import('./ingest').then((m) => m.main()),
  fuzz: () => import('./fuzz').then((m) => m.main()),
  cluster: () => import('./cluster').then((m) => m.main()),
  memory: () => import('./memory').then((m) => m.main()),
  report: () => import('./report').then((m) => m.main()),
};

const name = process.argv[2];
const scenario = name ? SCENARIOS[name] : undefined;
if (!scenario) {
  console.error(`usage: npm run bench -- <${Object.keys(SCENARIOS).join('|')}>`);
  process.exit(2);
}
scenario().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
