import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { ADMIN } from './system.js';

/**
 * Portico as it runs in production: every service a process of its own
 * (`node <service>/dist/server.js`), configured only by its environment, each
 * on its own SQLite file in one temporary DATA_DIR, so a test can SIGKILL one
 * and start it again on the same port and data.
 */
export const SERVICES = ['auth', 'user', 'order', 'inventory', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DIRS: Record<ServiceName, string> = {
  auth: 'auth-service',
  user: 'user-service',
  order: 'order-service',
  inventory: 'inventory-service',
  gateway: 'gateway',
};
const URL_VARS: Partial<Record<ServiceName, string>> = {
  auth: 'AUTH_SERVICE_URL',
  user: 'USER_SERVICE_URL',
  order: 'ORDER_SERVICE_URL',
  inventory: 'INVENTORY_SERVICE_URL',
};

/** How a process ended: its code or signal, and how long after we signalled it. */
export type ExitReport = { code: number | null; signal: NodeJS.Signals | null; ms: number };

/**
 * Brings every `dist/` up to date with `tsc -b` (incremental: about a second
 * when nothing changed). Test files may run in parallel workers, so a lock
 * directory makes them build one at a time rather than write the same files at once.
 */
export async function buildServices(withinMs = 240_000): Promise<void> {
  const lock = join(ROOT, 'node_modules', '.cache', 'portico-e2e-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue; // released between our mkdir and stat
      }
      if (age > withinMs)
        rmSync(lock, { recursive: true, force: true }); // a crashed holder
      else if (Date.now() > deadline) throw new Error(`the build lock ${lock} was held too long`);
      else await sleep(200);
    }
  }
  try {
    await new Promise<void>((resolveBuild, reject) => {
      execFile(
        process.execPath,
        [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'],
        { cwd: ROOT, timeout: Math.max(1000, deadline - Date.now()), maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`tsc -b failed (${error.message}):\n${stdout}${stderr}`))
            : resolveBuild(),
      );
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  for (const name of SERVICES) {
    const entry = join(ROOT, DIRS[name], 'dist', 'server.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing after tsc -b`);
  }
}

/** A port free on 127.0.0.1 right now (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** True when nothing accepts a TCP connection on 127.0.0.1:`port`. */
export function refusesConnections(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'));
  });
}

export type ProcessSystemOptions = {
  /** Set: Redis mode, under a fresh `REDIS_PREFIX` whose keys are deleted by cleanUp. */
  redisUrl?: string | undefined;
  /** Extra variables per service (SAGA_TIMEOUT_MS for order, …). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  readyWithinMs?: number;
};

export type ProcessSystem = {
  gateway: string;
  urls: Record<ServiceName, string>;
  ports: Record<ServiceName, number>;
  /** The DATA_DIR: every SQLite file and `<service>.log` (stdout and stderr). */
  dir: string;
  redisPrefix: string | undefined;
  pid: (name: ServiceName) => number | undefined;
  isRunning: (name: ServiceName) => boolean;
  /** SIGKILL: no drain, no cleanup, as a crash or an OOM kill. */
  kill: (name: ServiceName) => Promise<ExitReport>;
  /** SIGTERM, then SIGKILL after `withinMs`; `timedOut` says which. */
  stop: (name: ServiceName, withinMs?: number) => Promise<ExitReport & { timedOut: boolean }>;
  /** Starts a stopped service again: same port, env and data; resolves once /readyz is 200. */
  start: (name: ServiceName) => Promise<void>;
  /** SIGTERM to every running process at once; each one's report. */
  stopAll: (withinMs?: number) => Promise<Record<ServiceName, ExitReport & { timedOut: boolean }>>;
  /** The last lines a service wrote. */
  logTail: (name: ServiceName, lines?: number) => string;
  /** SIGKILLs whatever still runs, deletes the Redis keys and, unless `keep`, the data dir. */
  cleanUp: (options?: { keep?: boolean }) => Promise<void>;
};

type Running = { child: ChildProcess; exited: Promise<Omit<ExitReport, 'ms'>>; done: boolean };

export async function startProcesses(options: ProcessSystemOptions = {}): Promise<ProcessSystem> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-processes-'));
  const redisPrefix = options.redisUrl
    ? `proc${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
    : undefined;
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICES) ports[name] = await freePort();
  const urls = Object.fromEntries(
    SERVICES.map((name) => [name, `http://127.0.0.1:${ports[name]}`]),
  ) as Record<ServiceName, string>;

  // A clean environment: nothing from the shell (a DATABASE_URL, a REDIS_URL) may leak in.
  const envOf = (name: ServiceName): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(ports[name]),
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(SERVICES.filter((s) => URL_VARS[s]).map((s) => [URL_VARS[s]!, urls[s]])),
    ...(name === 'auth' && { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }),
    ...(options.redisUrl && { REDIS_URL: options.redisUrl, REDIS_PREFIX: redisPrefix }),
    ...options.env?.[name],
  });

  const running = new Map<ServiceName, Running>();
  const logFile = (name: ServiceName) => join(dir, `${name}.log`);
  const logTail = (name: ServiceName, lines = 30) => {
    try {
      return readFileSync(logFile(name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const killAllNow = () => {
    for (const { child, done } of running.values()) if (!done) child.kill('SIGKILL');
  };
  process.on('exit', killAllNow);

  function launch(name: ServiceName): Running {
    const log = openSync(logFile(name), 'a');
    const child = spawn(process.execPath, [join(ROOT, DIRS[name], 'dist', 'server.js')], {
      cwd: ROOT,
      env: envOf(name),
      stdio: ['ignore', log, log],
    });
    closeSync(log); // the child has its own copy
    const entry: Running = {
      child,
      done: false,
      exited: new Promise((done) => {
        child.once('exit', (code, signal) => {
          entry.done = true;
          done({ code, signal });
        });
      }),
    };
    running.set(name, entry);
    return entry;
  }

  async function waitReady(name: ServiceName, entry: Running): Promise<void> {
    const withinMs = options.readyWithinMs ?? 30_000;
    const deadline = Date.now() + withinMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (entry.done) {
        const { code, signal } = await entry.exited;
        throw new Error(
          `${name} exited before it was ready (code ${code}, signal ${signal}):\n${logTail(name)}`,
        );
      }
      try {
        const res = await fetch(`${urls[name]}/readyz`, { signal: AbortSignal.timeout(1000) });
        await res.body?.cancel();
        if (res.status === 200) return;
        last = `status ${res.status}`;
      } catch (error) {
        last = String((error as { cause?: { code?: string } }).cause?.code ?? error);
      }
      await sleep(50);
    }
    throw new Error(`${name} not ready within ${withinMs} ms (${last}):\n${logTail(name)}`);
  }

  async function signal(name: ServiceName, sig: NodeJS.Signals, withinMs: number) {
    const entry = running.get(name);
    if (!entry || entry.done) throw new Error(`${name} is not running`);
    const started = Date.now();
    entry.child.kill(sig);
    const timer = sleep(withinMs, 'timeout' as const, { ref: false });
    let result = await Promise.race([entry.exited, timer]);
    const timedOut = result === 'timeout';
    if (result === 'timeout') {
      entry.child.kill('SIGKILL');
      result = await entry.exited;
    }
    return { ...result, ms: Date.now() - started, timedOut };
  }

  async function start(name: ServiceName): Promise<void> {
    if (running.get(name)?.done === false) throw new Error(`${name} is already running`);
    await waitReady(name, launch(name));
  }

  const system: ProcessSystem = {
    gateway: urls.gateway,
    urls,
    ports,
    dir,
    redisPrefix,
    pid: (name) => running.get(name)?.child.pid,
    isRunning: (name) => running.get(name)?.done === false,
    kill: async (name) => {
      const { timedOut: _, ...report } = await signal(name, 'SIGKILL', 10_000);
      return report;
    },
    stop: (name, withinMs = 15_000) => signal(name, 'SIGTERM', withinMs),
    start,
    stopAll: async (withinMs = 15_000) => {
      const names = SERVICES.filter((name) => system.isRunning(name));
      const reports = await Promise.all(names.map((name) => signal(name, 'SIGTERM', withinMs)));
      return Object.fromEntries(names.map((name, i) => [name, reports[i]])) as Record<
        ServiceName,
        ExitReport & { timedOut: boolean }
      >;
    },
    logTail,
    cleanUp: async ({ keep = false } = {}) => {
      killAllNow();
      await Promise.all([...running.values()].map(({ exited }) => exited));
      process.off('exit', killAllNow);
      if (options.redisUrl && redisPrefix) await deleteKeys(options.redisUrl, redisPrefix);
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    // All at once: a service that needs another before it is ready retries on its own.
    const started = SERVICES.map((name) => [name, launch(name)] as const);
    await Promise.all(started.map(([name, entry]) => waitReady(name, entry)));
  } catch (error) {
    await system.cleanUp({ keep: true });
    throw new Error(`${(error as Error).message}\n(logs kept in ${dir})`);
  }
  return system;
}

/** SCAN + DEL of `<prefix>:*`: the run's own keys only (never FLUSHALL on a shared Redis). */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      rounds += 1;
    } while (cursor !== '0' && rounds < 100_000);
  } finally {
    redis.disconnect();
  }
}
