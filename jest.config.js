// Two projects: `unit` (pure logic, fast, no I/O, *.spec.ts beside the code) and `integration`
// (real Kafka clusters + real Redis started by the stack scripts, test/**/*.int-spec.ts).
// Type-checking is done once by `tsc --noEmit` in `npm run lint`; ts-jest only transpiles.
const moduleNameMapper = {
  '^@kafka-fleet/(contracts|core|client)$': '<rootDir>/libs/$1/src',
  '^@kafka-fleet/(contracts|core|client)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};
const common = { rootDir: __dirname, testEnvironment: 'node', moduleNameMapper, transform };

/** @type {import('jest').Config} */
module.exports = {
  // A failed end-to-end test can leave a Kafka client's retry timers behind; a CI run must still end
  // (and report) rather than hang until the job's time limit.
  forceExit: true,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-setup.ts'],
    },
  ],
};
