// Registration flood vs. everyone else's logins (issue 12): a few hundred
// registrations at once used to queue behind the password-hashing pool, so
// every login timed out. This measures one user's sequential logins idle, then
// again while a bounded flood of registrations hits the same door, and prints
// both side by side with what the flood was answered (201 accepted, 503
// AUTH_BUSY refused at once, 429 over a budget). The flood runs in a process of
// its own (lib/registration-flood.mjs: wrk when installed, else autocannon).
//
// Env (all optional): BENCH_FLOOD_SECONDS (10), BENCH_IDLE_SECONDS (5),
// BENCH_CONNECTIONS (200), BENCH_LOGIN_INTERVAL_MS (50),
// BENCH_REGISTRATION_BUDGETS (`open`: the flood reaches the hash queue, the
// default; `shipped`: the auth service's default per-address and deployment
// registration budgets, so the flood is mostly refused before hashing),
// BENCH_FLOOD_TARGET (`auth`: the built auth service alone, the default;
// `gateway`: the whole of Portico, flood and logins both through the gateway
// with its shipped per-address RATE_LIMIT_PER_MINUTE, the flood from 127.0.0.1
// and the user from 127.0.0.2, as two clients the gateway counts apart),
// BENCH_LOAD_GENERATOR (`wrk` or `autocannon` for the flood; the default picks wrk when installed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAuthAlone } from './lib/auth-alone.mjs';
import { sampleLatency } from './lib/latency-sampler.mjs';
import { startPortico } from './lib/portico-processes.mjs';
import { registrationFlood } from './lib/registration-flood.mjs';
import { guardRun } from './lib/run-guard.mjs';
import { setting } from './lib/settings.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));

/**
 * The value of `name`, one of `allowed` (the first when unset); anything else ends the run.
 * @param {string} name
 * @param {string[]} allowed
 */
function oneOf(name, allowed) {
  const value = process.env[name] || allowed[0];
  if (value === undefined || !allowed.includes(value)) {
    process.stderr.write(`${name} must be ${allowed.join(' or ')}\n`);
    process.exit(2);
  }
  return value;
}

const settings = {
  floodSeconds: setting('BENCH_FLOOD_SECONDS', 10, 1, 120),
  idleSeconds: setting('BENCH_IDLE_SECONDS', 5, 1, 120),
  connections: setting('BENCH_CONNECTIONS', 200, 1, 1000),
  loginIntervalMs: setting('BENCH_LOGIN_INTERVAL_MS', 50, 1, 1000),
  registrationBudgets: oneOf('BENCH_REGISTRATION_BUDGETS', ['open', 'shipped']),
  target: oneOf('BENCH_FLOOD_TARGET', ['auth', 'gateway']),
};
const USER = { email: 'steady-user@example.com', password: 'a steady passphrase 2026' };
/** The steady user's own loopback address at the gateway; the flood comes from 127.0.0.1. */
const USER_ADDRESS = '127.0.0.2';
/** The bench's own logins must not be what the auth service or the gateway throttles. */
const OPEN_LOGIN_THROTTLE = {
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '1000000',
  LOGIN_MAX_FAILURES_PER_IP: '1000000',
};

/** @typedef {{ base: string, localAddress: string | undefined, stop: () => Promise<unknown> }} Target */

/**
 * Where the flood and the logins go.
 * @returns {Promise<Target>}
 */
async function startTarget() {
  const budgetSeconds = settings.floodSeconds + settings.idleSeconds + 120;
  // An empty value unsets the bench's open budget: the service's own default applies.
  const budgets =
    settings.registrationBudgets === 'shipped'
      ? { REGISTRATION_MAX_PER_ADDRESS: '', REGISTRATION_MAX_PER_MINUTE: '' }
      : { REGISTRATION_MAX_PER_ADDRESS: '1000000', REGISTRATION_MAX_PER_MINUTE: '1000000' };
  if (settings.target === 'auth') {
    const auth = await startAuthAlone({
      name: 'register-flood-bench',
      budgetSeconds,
      env: budgets,
    });
    return { ...auth, localAddress: undefined };
  }
  /** @type {Awaited<ReturnType<typeof startPortico>> | undefined} */
  let portico;
  const release = guardRun({
    name: 'register-flood-bench',
    budgetSeconds,
    cleanUp: async () => {
      await portico?.stop();
    },
  });
  portico = await startPortico({
    repoRoot: resolve(benchDir, '..'),
    env: {
      auth: { ...OPEN_LOGIN_THROTTLE, ...budgets },
      // The user logs in again and again as the bench's probe: the one-email login
      // budget (10 a minute) would refuse the probe. RATE_LIMIT_PER_MINUTE stays shipped.
      gateway: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000000' },
    },
  });
  return {
    base: portico.gateway,
    localAddress: USER_ADDRESS,
    stop: async () => {
      release();
      await portico?.stop();
    },
  };
}

/** @type {Target | undefined} */
let target;

/** @type {Record<string, string>} */
const DOORS = {
  auth: 'at the auth service alone',
  gateway: `through the gateway from ${USER_ADDRESS}, the flood from 127.0.0.1`,
};

/** @param {number} n */
const round = (n, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

const oneMinuteLoad = () => round(loadavg()[0] ?? Number.NaN);

async function main() {
  target = await startTarget();
  const { base, localAddress } = target;
  const registered = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...USER, name: 'Steady' }),
  });
  if (registered.status !== 201) throw new Error(`register → ${registered.status}`);

  /** @param {number} durationMs @param {AbortSignal} [signal] */
  const logins = (durationMs, signal) =>
    sampleLatency({
      url: `${base}/api/v1/auth/login`,
      post: JSON.stringify(USER),
      durationMs,
      intervalMs: settings.loginIntervalMs,
      signal,
      localAddress,
    });

  const loadBefore = oneMinuteLoad();
  process.stderr.write(`one user's logins, idle, for ${settings.idleSeconds} s…\n`);
  const idle = await logins(settings.idleSeconds * 1000);

  process.stderr.write(
    `registration flood (${settings.connections} connections, ${settings.floodSeconds} s) with the same logins…\n`,
  );
  const stop = new AbortController();
  const during = logins(settings.floodSeconds * 1000 + 5000, stop.signal);
  const flood = await registrationFlood({
    url: `${base}/api/v1/auth/register`,
    connections: settings.connections,
    seconds: settings.floodSeconds,
  });
  stop.abort();
  const underFlood = await during;

  const { statusCodes } = flood;
  const result = {
    settings,
    environment: {
      node: process.version,
      cpus: availableParallelism(),
      loadAverage: { before: loadBefore, after: oneMinuteLoad() },
    },
    logins: {
      idle,
      underFlood,
      ratio: { p50: underFlood.p50 / idle.p50, p99: underFlood.p99 / idle.p99 },
    },
    flood: {
      generator: flood.tool,
      requests: flood.requests,
      statusCodes,
      accepted: statusCodes['201'] ?? 0,
      refusedAtOnce: (statusCodes['503'] ?? 0) + (statusCodes['429'] ?? 0),
      errors: flood.errors,
      timeouts: flood.timeouts,
      p50: flood.p50,
      p99: flood.p99,
    },
  };

  /** @param {number} n */
  const ms = (n) => `${round(n)} ms`;
  /** @param {Awaited<ReturnType<typeof sampleLatency>>} s */
  const sampled = (s) =>
    `p50 ${ms(s.p50)}   p99 ${ms(s.p99)}   max ${ms(s.max)}   n=${s.samples}   failures ${s.failures}`;
  process.stdout.write(
    [
      '',
      `One user logging in every ${settings.loginIntervalMs} ms ${DOORS[settings.target]} (${result.environment.cpus} CPUs)`,
      `  idle (${settings.idleSeconds} s)     ${sampled(idle)}`,
      `  under flood        ${sampled(underFlood)}`,
      `  flood/idle         p50 ×${round(result.logins.ratio.p50, 2)}   p99 ×${round(result.logins.ratio.p99, 2)}`,
      `Registration flood (${flood.tool}): ${result.flood.requests} requests, ${JSON.stringify(statusCodes)}, errors ${flood.errors}, timeouts ${flood.timeouts}`,
      `  answered in        p50 ${ms(flood.p50)}   p99 ${ms(flood.p99)}`,
      `  load average       ${loadBefore} before, ${result.environment.loadAverage.after} after`,
      '',
    ].join('\n'),
  );
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `flood-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`Saved ${file}\n`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`register-flood-bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  await target?.stop();
}
