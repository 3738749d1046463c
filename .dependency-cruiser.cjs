/**
 * Import rules of the project, checked by `npm test` (npm run deps). What each rule keeps true is
 * written in its comment; docs/testing.md says how to read a failure.
 */
const PRODUCT = '^(activities|api|cli|clients|config|connectors|domain|lib|workers|workflows)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circles: each module can be read (and tested) before the ones that use it.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ holds rules and shapes: it imports only domain/ (and libraries), nothing that talks to a system.',
      from: { path: '^domain/' },
      to: { path: '^(activities|api|bench|cli|clients|config|connectors|lib|sandbox|test|workers|workflows)/' },
    },
    {
      name: 'connectors-know-no-temporal',
      severity: 'error',
      comment: 'connectors/ call one vendor API each; Temporal (and everything built on it) stays out of them.',
      from: { path: '^connectors/' },
      to: { path: ['@temporalio', '^(activities|api|cli|clients|workers|workflows)/'] },
    },
    {
      name: 'workflows-import-only-workflow-safe-code',
      severity: 'error',
      comment: 'Workflow code runs in the deterministic sandbox: it imports workflows/, domain/ and @temporalio/workflow or common; activities and connectors by type only.',
      from: { path: '^workflows/' },
      to: {
        pathNot: ['^workflows/', '^domain/', '@temporalio/(workflow|common)/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'outside-imports-contracts-not-workflows',
      severity: 'error',
      comment: 'Everything outside workflows/ uses a workflow through its contract (workflows/<flow>/<name>.contract.ts), never the workflow file.',
      from: { path: PRODUCT, pathNot: '^(workflows|workers/start-workers\\.ts)' },
      to: { path: '^workflows/', pathNot: ['\\.contract\\.ts$', '^workflows/shared/task-queue\\.ts$'] },
    },
    {
      name: 'product-never-loads-the-sandbox',
      severity: 'error',
      comment: 'The sandbox is a test double: only the dev, demo, sandbox and rehearse commands load it, lazily, so bcsync worker and bcsync api never do.',
      from: { path: PRODUCT },
      to: { path: ['^sandbox/', '@bigcommerce-sync/sandbox'], dependencyTypesNot: ['dynamic-import', 'type-only'] },
    },
    {
      name: 'sandbox-imports-only-itself',
      severity: 'error',
      comment: 'The sandbox package is independent of the product (its own money and date formatting): a product bug cannot hide on both sides of a test.',
      from: { path: '^sandbox/' },
      to: { path: PRODUCT },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'Every import resolves.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
