import {
  buildServices,
  type ProcessSystem,
  type ProcessSystemOptions,
  startProcesses,
} from './processes.js';

/**
 * Real processes for one suite: built and started before its tests, cleaned up
 * after them. A test body wrapped in `tracked` that fails keeps the data dir
 * (every log, the SQLite files) for a look afterwards, as KEEP_PROCESS_LOGS=1
 * does for any run.
 * `system` is filled in by that beforeAll: read it in tests and hooks only.
 */
export function useProcesses(options: ProcessSystemOptions) {
  const system = {} as ProcessSystem;
  let failed = false;

  beforeAll(async () => {
    await buildServices();
    Object.assign(system, await startProcesses(options));
  }, 300_000);

  afterAll(async () => {
    if (!system.cleanUp) return;
    const keep = failed || process.env.KEEP_PROCESS_LOGS === '1';
    await system.cleanUp({ keep });
    if (keep) console.info(`logs and data kept in ${system.dir}`);
  }, 60_000);

  const tracked = (body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (error) {
      failed = true;
      throw error;
    }
  };

  return { system, tracked };
}
