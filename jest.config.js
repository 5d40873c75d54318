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
const REAL_STORES_TIMEOUT = '<rootDir>/test/support/real-stores-timeout.ts';
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@ledger/(.*)$': '<rootDir>/libs/$1/src' },
  rootDir: __dirname,
};
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.unit.spec.ts'] },
    // Integration files run on real stores, end-to-end files start real servers: 60 s each
    // (a few seconds on a loaded, shared machine), set in real-stores-timeout.ts.
    { ...shared, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int.spec.ts'], setupFilesAfterEnv: [REAL_STORES_TIMEOUT] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'], setupFilesAfterEnv: [REAL_STORES_TIMEOUT] },
  ],
};
