// `npm run lint` checks the import graph: each package's layers (scripts/lint/layers.cjs) and no import cycles in either
// package (type-only imports count: a cycle of types is still a tangle).
const { emulatorRules, layerRules } = require('./scripts/lint/layers.cjs');

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'import cycles make modules impossible to understand or test on their own',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
    ...layerRules('packages/cli/src/'),
    ...emulatorRules('packages/emulator/src/'),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|node_modules|/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
