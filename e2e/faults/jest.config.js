import base from '../../jest.config.js';

/**
 * `npm run test:faults`: the fault-injection suites only. They live outside any
 * `test/` directory, so the main run (which matches only files under one) leaves
 * them out; one file at a time, since each starts a whole system of processes.
 * @type {import('jest').Config}
 */
export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/e2e/faults/**/*.test.ts'],
  maxWorkers: 1,
  testTimeout: 60_000,
};
