import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startService, waitForReady } from './child-service.mjs';
import { guardRun } from './run-guard.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The built auth service alone, on SQLite in a fresh temporary directory, with
 * its login throttle opened wide: for the benches that measure its password
 * hashing (`env` adds or overrides variables). Ctrl-C, and a watchdog after `budgetSeconds`, stop it and remove the
 * directory, so a run always ends; `stop()` does the same when the bench is done.
 * @param {{ name: string; budgetSeconds: number; env?: Record<string, string> }} options
 */
export async function startAuthAlone({ name, budgetSeconds, env = {} }) {
  const dataDir = mkdtempSync(join(tmpdir(), `portico-${name}-`));
  /** @type {import('./child-service.mjs').Service | undefined} */
  let service;
  const cleanUp = async () => {
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const release = guardRun({ name, budgetSeconds, cleanUp });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  service = startService({
    name: 'auth-service',
    entry: join(repoRoot, 'auth-service/dist/server.js'),
    cwd: repoRoot,
    env: {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '1000000',
      LOGIN_MAX_FAILURES_PER_IP: '1000000',
      // Open by default: the benches measure the hash queue behind these budgets.
      REGISTRATION_MAX_PER_ADDRESS: '1000000',
      REGISTRATION_MAX_PER_MINUTE: '1000000',
      ...env,
    },
  });
  await waitForReady(`${base}/readyz`, service);
  return {
    base,
    stop: async () => {
      release();
      await cleanUp();
    },
  };
}
