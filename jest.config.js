/** Three projects so a quick `npm run test:unit` needs no services. Integration and e2e tests
 *  talk to the real PostgreSQL and RabbitMQ (each test file gets its own database and vhost). */
const moduleNameMapper = {
  '^@app/contracts(|/.*)$': '<rootDir>/libs/contracts/src$1',
  '^@app/messaging(|/.*)$': '<rootDir>/libs/messaging/src$1',
  '^@app/common(|/.*)$': '<rootDir>/libs/common/src$1',
  '^@app/text(|/.*)$': '<rootDir>/libs/text/src$1',
};
const transform = { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] };
const base = { rootDir: __dirname, testEnvironment: 'node', moduleNameMapper, transform, setupFiles: ['reflect-metadata'],
  setupFilesAfterEnv: ['<rootDir>/test/support/contract-cross-check.ts'],
};
module.exports = {
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
