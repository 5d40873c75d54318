/** Jest runs TypeScript through SWC (type checking is `npm run typecheck`, part of `npm test`). */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@ledger/(.*)$': '<rootDir>/libs/$1/src' },
  rootDir: __dirname,
};
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.unit.spec.ts'] },
    // Integration files run on real stores (an fsync a commit): some take 3-5 s on a slow 2-core machine.
    { ...shared, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int.spec.ts'], testTimeout: 30_000 },
    // End-to-end files start real servers (a few seconds each on a loaded, shared machine).
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'], testTimeout: 60_000 },
  ],
};
