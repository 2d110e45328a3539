/**
 * One jest run for every workspace. Sources are ES modules compiled by SWC, so
 * ESM-only dependencies (jose 6) load as they do in production; `@portico/*`
 * imports resolve to the workspace sources, so tests need no build step.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: {
    '^@portico/openapi$': '<rootDir>/openapi/src/index.ts',
    '^@portico/openapi/(.*)$': '<rootDir>/openapi/src/generated/$1.ts',
    '^@portico/sdk$': '<rootDir>/sdk/src/index.ts',
    '^@portico/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 30000,
};
