import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICES } from '../../scripts/services.mjs';
import { freePort, startService, waitForReady } from './child-service.mjs';

/** @typedef {import('../../scripts/services.mjs').ServiceName} ServiceName */

export const BENCH_ADMIN = { email: 'admin@portico.bench', password: 'bench-admin-password-1' };

/**
 * The whole of Portico from the BUILT code (`<service>/dist/server.js`), each
 * process on a free 127.0.0.1 port, every SQLite file in one temporary
 * DATA_DIR; with `redisUrl`, Redis mode under a fresh REDIS_PREFIX whose keys
 * `stop()` deletes (SCAN + DEL: the Redis may be shared). `env` adds variables
 * per service name, `nodeArgs` node flags per service name (`--cpu-prof`, …).
 * Logs at `warn`; stdout is discarded, stderr is forwarded.
 * @param {object} options
 * @param {string} options.repoRoot
 * @param {string} [options.redisUrl]
 * @param {Partial<Record<ServiceName, Record<string, string>>>} [options.env]
 * @param {Partial<Record<ServiceName, string[]>>} [options.nodeArgs]
 */
export async function startPortico({ repoRoot, redisUrl, env = {}, nodeArgs = {} }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-saga-bench-'));
  const prefix = redisUrl
    ? `sagabench${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
    : undefined;
  /** @type {Partial<Record<ServiceName, number>>} */
  const ports = {};
  for (const { name } of SERVICES) ports[name] = await freePort();
  const url = (/** @type {ServiceName} */ name) => `http://127.0.0.1:${ports[name]}`;
  const shared = {
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(SERVICES.filter((s) => s.urlVar).map((s) => [s.urlVar, url(s.name)])),
    // startService passes our environment on: an empty value is "unset" to every
    // service's config, so a shell's DATABASE_URL or REDIS_URL cannot leak in.
    DATABASE_URL: '',
    REDIS_URL: redisUrl ?? '',
    REDIS_PREFIX: prefix ?? '',
  };
  const children = SERVICES.map((s) => ({
    name: s.name,
    service: startService({
      name: s.name,
      entry: join(repoRoot, s.dir, 'dist', 'server.js'),
      cwd: repoRoot,
      nodeArgs: nodeArgs[s.name] ?? [],
      env: {
        ...shared,
        PORT: String(ports[s.name]),
        ...(s.name === 'auth' && {
          ADMIN_EMAIL: BENCH_ADMIN.email,
          ADMIN_PASSWORD: BENCH_ADMIN.password,
        }),
        ...env[s.name],
      },
      discardStdout: true,
    }),
  }));
  async function stop() {
    /** @type {Record<string, { code: number | null; signal: NodeJS.Signals | null }>} */
    const exits = {};
    await Promise.all(
      children.map(async ({ name, service }) => {
        exits[name] = await service.stop();
      }),
    );
    if (redisUrl) await deleteKeys(redisUrl, prefix);
    rmSync(dataDir, { recursive: true, force: true });
    return exits;
  }

  try {
    await Promise.all(
      children.map(({ name, service }) => waitForReady(`${url(name)}/readyz`, service, 60_000)),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const pids = Object.fromEntries(children.map(({ name, service }) => [name, service.child.pid]));
  return { gateway: url('gateway'), prefix, pids, stop };
}

/**
 * Deletes `<prefix>:*` only: never FLUSHALL a Redis others may use.
 * @param {string} redisUrl
 * @param {string | undefined} prefix
 */
async function deleteKeys(redisUrl, prefix) {
  // Loaded only in Redis mode: ioredis comes with the services' dependencies.
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    let cursor = '0';
    for (let round = 0; round < 100_000; round += 1) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}
