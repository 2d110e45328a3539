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
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePorts } from '@portico/test-kit';
import { Redis } from 'ioredis';
import {
  SERVICE_NAMES,
  SERVICES as SERVICE_TABLE,
  type ServiceName,
} from '../../../scripts/services.mjs';
import { isolatedPostgres, type ServiceDatabase } from './stores.js';
import { ADMIN } from './system.js';

/**
 * Portico as it runs in production: every service a process of its own
 * (`node <service>/dist/server.js`), configured only by its environment, each
 * on its own SQLite file in one temporary DATA_DIR, so a test can SIGKILL one
 * and start it again on the same port and data. Production mode too: each
 * service on a PostgreSQL database of its own (`postgres`), events and rate
 * limits through Redis (`redisUrl`), and several replicas of a service
 * (`replicas`), each addressed by its instance name (`order#2`).
 */
/** The processes' names, in start order (scripts/services.mjs). */
export const SERVICES = SERVICE_NAMES;
export type { ServiceName };

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dirOf = (name: ServiceName) => SERVICE_TABLE.find((service) => service.name === name)!.dir;

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
    const entry = join(ROOT, dirOf(name), 'dist', 'server.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing after tsc -b`);
  }
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

/**
 * One process. A service's first instance is named after the service
 * (`gateway`); further replicas are `gateway#2`, `gateway#3`, … Functions and
 * `env` also take `gateway#1` for the first; `urls` and `ports` are keyed by
 * the names in `instances`.
 */
export type InstanceName = ServiceName | `${ServiceName}#${number}`;

export type ProcessSystemOptions = {
  /** Set: Redis mode, under a fresh `REDIS_PREFIX` whose keys are deleted by cleanUp. */
  redisUrl?: string | undefined;
  /**
   * Set: PostgreSQL mode. Through this superuser URL every service but the
   * gateway gets a fresh database and login role of its own (`isolatedPostgres`
   * in system.ts), passed as `DATABASE_URL` to each of its instances and
   * dropped by cleanUp. Unset: a SQLite file per service in `dir`.
   */
  postgres?: { adminUrl: string } | undefined;
  /**
   * Processes per service, default 1: `{ gateway: 2, order: 2, inventory: 2 }`
   * adds `gateway#2`, `order#2` and `inventory#2`. Replicas share their
   * service's database, Redis prefix and consumer group, so they need
   * `postgres` and `redisUrl`. There is no load balancer: replica k calls
   * replica k of each other service when it has one, else its first instance
   * (`gateway#2` → `order#2`, `inventory#2`, `auth`, `user`), so killing the
   * same replica of each leaves the other lane whole.
   */
  replicas?: Partial<Record<ServiceName, number>>;
  /**
   * Extra variables: per service for all its instances (SAGA_TIMEOUT_MS for
   * order, …), then per instance (`'gateway#2': {…}`, `'gateway#1'` for the
   * first) over those.
   */
  env?: Partial<Record<InstanceName, Record<string, string>>>;
  readyWithinMs?: number;
};

export type ProcessSystem = {
  /** The first gateway's URL. */
  gateway: string;
  /** Every gateway instance's URL, `gateway` first. */
  gateways: string[];
  /** Every instance, each service's in order (`order`, `order#2`, …). */
  instances: InstanceName[];
  /** A service's instances, first to last. */
  replicas: (service: ServiceName) => InstanceName[];
  urls: Record<InstanceName, string>;
  ports: Record<InstanceName, number>;
  /** The DATA_DIR: every SQLite file and `<instance>.log` (stdout and stderr). */
  dir: string;
  redisPrefix: string | undefined;
  /** PostgreSQL mode: each service's database (its `url` logs in as its own role). */
  databases: Partial<Record<ServiceName, ServiceDatabase>>;
  pid: (name: InstanceName) => number | undefined;
  isRunning: (name: InstanceName) => boolean;
  /** SIGKILL: no drain, no cleanup, as a crash or an OOM kill. */
  kill: (name: InstanceName) => Promise<ExitReport>;
  /** SIGTERM, then SIGKILL after `withinMs`; `timedOut` says which. */
  stop: (name: InstanceName, withinMs?: number) => Promise<ExitReport & { timedOut: boolean }>;
  /**
   * Starts a stopped instance again: same port, env and data; resolves once
   * /readyz is 200. `env`, when given, replaces the instance's extra variables
   * from this start on (a gateway with another RATE_LIMIT_PER_MINUTE, …).
   */
  start: (name: InstanceName, options?: { env?: Record<string, string> }) => Promise<void>;
  /** SIGTERM to every running process at once; each one's report. */
  stopAll: (withinMs?: number) => Promise<Record<InstanceName, ExitReport & { timedOut: boolean }>>;
  /** The last lines an instance wrote. */
  logTail: (name: InstanceName, lines?: number) => string;
  /**
   * SIGKILLs whatever still runs, deletes the Redis keys, drops the PostgreSQL
   * databases and, unless `keep`, the data dir.
   */
  cleanUp: (options?: { keep?: boolean }) => Promise<void>;
};

type Running = { child: ChildProcess; exited: Promise<Omit<ExitReport, 'ms'>>; done: boolean };

const serviceOf = (name: InstanceName) => name.split('#', 1)[0] as ServiceName;
const replicaOf = (name: InstanceName) => Number(name.split('#')[1] ?? 1);
const instanceName = (service: ServiceName, replica: number): InstanceName =>
  replica === 1 ? service : `${service}#${replica}`;

export async function startProcesses(options: ProcessSystemOptions = {}): Promise<ProcessSystem> {
  const counts = Object.fromEntries(
    SERVICES.map((service) => [service, Math.max(1, options.replicas?.[service] ?? 1)]),
  ) as Record<ServiceName, number>;
  if (SERVICES.some((s) => counts[s] > 1) && !(options.redisUrl && options.postgres))
    throw new Error('replicas need redisUrl and postgres (embedded mode is one process each)');
  const instances = SERVICES.flatMap((service) =>
    Array.from({ length: counts[service] }, (_, i) => instanceName(service, i + 1)),
  );
  /** `gateway#1` → `gateway`; anything not started → an error naming it. */
  const known = (name: InstanceName): InstanceName => {
    const canonical = instanceName(serviceOf(name), replicaOf(name));
    if (!instances.includes(canonical)) throw new Error(`no such instance: ${name}`);
    return canonical;
  };

  const dir = mkdtempSync(join(tmpdir(), 'portico-processes-'));
  const redisPrefix = options.redisUrl
    ? `proc${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
    : undefined;
  const free = await freePorts(instances.length);
  const ports = Object.fromEntries(instances.map((name, i) => [name, free[i]!])) as Record<
    InstanceName,
    number
  >;
  const urls = Object.fromEntries(
    instances.map((name) => [name, `http://127.0.0.1:${ports[name]}`]),
  ) as Record<InstanceName, string>;
  const postgres = options.postgres && isolatedPostgres(options.postgres.adminUrl);
  const databases: Partial<Record<ServiceName, ServiceDatabase>> = {};
  const overrides = new Map<InstanceName, Record<string, string>>();

  /** Replica k of `from` calls replica k of `to` if there is one, else the first. */
  const peerUrl = (from: InstanceName, to: ServiceName) => {
    const k = replicaOf(from);
    return urls[instanceName(to, k <= counts[to] ? k : 1)];
  };

  // A clean environment: nothing from the shell (a DATABASE_URL, a REDIS_URL) may leak in.
  const envOf = (name: InstanceName): NodeJS.ProcessEnv => {
    const service = serviceOf(name);
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(ports[name]),
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(
        SERVICE_TABLE.filter((s) => s.urlVar).map((s) => [s.urlVar!, peerUrl(name, s.name)]),
      ),
      ...(databases[service] && { DATABASE_URL: databases[service].url }),
      ...(service === 'auth' && {
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        // The suites register every user from 127.0.0.1 (see system.ts).
        REGISTRATION_MAX_PER_ADDRESS: '1000000',
        REGISTRATION_MAX_PER_MINUTE: '1000000',
      }),
      ...(options.redisUrl && { REDIS_URL: options.redisUrl, REDIS_PREFIX: redisPrefix }),
      ...options.env?.[service],
      ...options.env?.[name === service ? (`${service}#1` as const) : name],
      ...overrides.get(name),
    };
  };

  const running = new Map<InstanceName, Running>();
  const logFile = (name: InstanceName) => join(dir, `${name}.log`);
  const logTail = (name: InstanceName, lines = 30) => {
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

  function launch(name: InstanceName): Running {
    const log = openSync(logFile(name), 'a');
    const child = spawn(
      process.execPath,
      [join(ROOT, dirOf(serviceOf(name)), 'dist', 'server.js')],
      {
        cwd: ROOT,
        env: envOf(name),
        stdio: ['ignore', log, log],
      },
    );
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

  async function waitReady(name: InstanceName, entry: Running): Promise<void> {
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

  async function signal(name: InstanceName, sig: NodeJS.Signals, withinMs: number) {
    const entry = running.get(known(name));
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

  async function start(name: InstanceName, startOptions: { env?: Record<string, string> } = {}) {
    const instance = known(name);
    if (running.get(instance)?.done === false) throw new Error(`${name} is already running`);
    if (startOptions.env) overrides.set(instance, startOptions.env);
    await waitReady(instance, launch(instance));
  }

  const isRunning = (name: InstanceName) => running.get(known(name))?.done === false;
  const system: ProcessSystem = {
    gateway: urls.gateway,
    // Every instance got its URL above.
    gateways: instances.filter((name) => serviceOf(name) === 'gateway').map((name) => urls[name]!),
    instances,
    replicas: (service) => instances.filter((name) => serviceOf(name) === service),
    urls,
    ports,
    dir,
    redisPrefix,
    databases,
    pid: (name) => running.get(known(name))?.child.pid,
    isRunning,
    kill: async (name) => {
      const { timedOut: _, ...report } = await signal(name, 'SIGKILL', 10_000);
      return report;
    },
    stop: (name, withinMs = 15_000) => signal(name, 'SIGTERM', withinMs),
    start,
    stopAll: async (withinMs = 15_000) => {
      const names = instances.filter(isRunning);
      const reports = await Promise.all(names.map((name) => signal(name, 'SIGTERM', withinMs)));
      return Object.fromEntries(names.map((name, i) => [name, reports[i]])) as Record<
        InstanceName,
        ExitReport & { timedOut: boolean }
      >;
    },
    logTail: (name, lines) => logTail(known(name), lines),
    cleanUp: async ({ keep = false } = {}) => {
      killAllNow();
      await Promise.all([...running.values()].map(({ exited }) => exited));
      process.off('exit', killAllNow);
      if (options.redisUrl && redisPrefix) await deleteKeys(options.redisUrl, redisPrefix);
      await postgres?.dropAll();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    if (postgres)
      for (const service of SERVICES.filter((s) => s !== 'gateway'))
        databases[service] = await postgres.create(service);
    // All at once, replicas too: a service that needs another before it is ready
    // retries on its own, and replicas race on their migrations as in a rollout.
    const started = instances.map((name) => [name, launch(name)] as const);
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
