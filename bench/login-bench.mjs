// Login storm vs. liveness: argon2id runs on libuv's thread pool, so while the
// auth service hashes passwords flat out, GET /healthz must stay fast. This
// starts the built auth service alone, measures healthz latency idle, then again
// under a bounded login storm, and prints and saves both side by side.
//
// Env (all optional): BENCH_STORM_SECONDS (15), BENCH_IDLE_SECONDS (5),
// BENCH_CONNECTIONS (32), BENCH_USERS (50), BENCH_HEALTHZ_INTERVAL_MS (10).
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startAuthAlone } from './lib/auth-alone.mjs';
import { sampleLatency } from './lib/latency-sampler.mjs';
import { setting } from './lib/settings.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));

const settings = {
  stormSeconds: setting('BENCH_STORM_SECONDS', 15, 1, 300),
  idleSeconds: setting('BENCH_IDLE_SECONDS', 5, 1, 120),
  connections: setting('BENCH_CONNECTIONS', 32, 1, 256),
  users: setting('BENCH_USERS', 50, 1, 1000),
  healthzIntervalMs: setting('BENCH_HEALTHZ_INTERVAL_MS', 10, 1, 1000),
};
const PASSWORD = 'bench-password-0123';

/** @type {Awaited<ReturnType<typeof startAuthAlone>> | undefined} */
let auth;

/**
 * @param {string} base
 * @param {string} path
 * @param {unknown} body
 */
async function postJson(base, path, body) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`POST ${path} → ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * Registers the bench accounts a few at a time (each registration is one argon2 hash).
 * @param {string} base
 * @param {number} count
 */
async function registerUsers(base, count) {
  const emails = Array.from({ length: count }, (_, i) => `bench-user-${i}@example.com`);
  const queue = [...emails];
  const worker = async () => {
    for (let email = queue.shift(); email; email = queue.shift()) {
      await postJson(base, '/api/v1/auth/register', { email, password: PASSWORD, name: 'Bench' });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return emails;
}

/**
 * @param {string} base
 * @param {string[]} emails
 */
function loginStorm(base, emails) {
  const bodies = emails.map((email) => JSON.stringify({ email, password: PASSWORD }));
  let next = 0;
  return autocannon({
    url: `${base}/api/v1/auth/login`,
    connections: settings.connections,
    duration: settings.stormSeconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (/** @type {{ body?: string }} */ request) => {
          request.body = bodies[next++ % bodies.length];
          return request;
        },
      },
    ],
  });
}

/**
 * @param {number} n
 * @param {number} [digits]
 */
const round = (n, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

/**
 * @typedef {Awaited<ReturnType<typeof sampleLatency>>} Sample
 * @typedef {object} LoginBenchResult the figures printed (and saved with more)
 * @property {{ durationSeconds: number; ok: number; perSecond: number; p50: number; p99: number; max: number; non2xx: number; errors: number; timeouts: number; statusCodes: Record<string, number> }} login
 * @property {{ idle: Sample; storm: Sample; ratio: { p50: number; p99: number } }} healthz
 * @property {{ cpus: number; uvThreadpoolSize: string; loadAverage: { before: number | null; after: number | null } }} environment
 */

/** @param {LoginBenchResult} result */
function printSummary(result) {
  const { login, healthz, environment } = result;
  const ms = (/** @type {number} */ n) => `${round(n)} ms`;
  const row = (/** @type {string} */ label, /** @type {string} */ text) =>
    `  ${label.padEnd(19)}${text}`;
  const sampled = (/** @type {Sample} */ s) =>
    `p50 ${ms(s.p50)}   p99 ${ms(s.p99)}   max ${ms(s.max)}   n=${s.samples}   failures ${s.failures}`;
  const lines = [
    '',
    `Login storm: ${settings.connections} connections, ${login.durationSeconds} s, ${settings.users} users` +
      ` (${environment.cpus} CPUs, libuv pool ${environment.uvThreadpoolSize})`,
    row('logins/s', `${round(login.perSecond, 1)}  (${login.ok} ok in ${login.durationSeconds} s)`),
    row('login latency', `p50 ${ms(login.p50)}   p99 ${ms(login.p99)}   max ${ms(login.max)}`),
    row('non-2xx', `${login.non2xx}   errors ${login.errors}   timeouts ${login.timeouts}`),
    row('status codes', JSON.stringify(login.statusCodes)),
    '',
    `GET /healthz, one sequential client every ${settings.healthzIntervalMs} ms`,
    row(`idle (${settings.idleSeconds} s)`, sampled(healthz.idle)),
    row('under storm', sampled(healthz.storm)),
    row('storm/idle ratio', `p50 ×${round(healthz.ratio.p50)}   p99 ×${round(healthz.ratio.p99)}`),
    row(
      'load average',
      `${environment.loadAverage.before} before, ${environment.loadAverage.after} after`,
    ),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

async function main() {
  auth = await startAuthAlone({
    name: 'login-bench',
    budgetSeconds: settings.stormSeconds + settings.idleSeconds + 180,
  });
  const { base } = auth;
  process.stderr.write(`auth-service ready on ${base}; registering ${settings.users} users…\n`);
  const emails = await registerUsers(base, settings.users);
  await postJson(base, '/api/v1/auth/login', { email: emails[0], password: PASSWORD });

  const loadBefore = round(loadavg()[0] ?? Number.NaN);
  process.stderr.write(`healthz idle baseline for ${settings.idleSeconds} s…\n`);
  const healthzUrl = `${base}/healthz`;
  const interval = settings.healthzIntervalMs;
  const idle = await sampleLatency({
    url: healthzUrl,
    durationMs: settings.idleSeconds * 1000,
    intervalMs: interval,
  });

  process.stderr.write(`login storm for ${settings.stormSeconds} s with healthz sampling…\n`);
  const stopSampling = new AbortController();
  const stormSampling = sampleLatency({
    url: healthzUrl,
    durationMs: settings.stormSeconds * 1000 + 5000,
    intervalMs: interval,
    signal: stopSampling.signal,
  });
  const storm = await loginStorm(base, emails);
  stopSampling.abort();
  const underStorm = await stormSampling;

  const statusCodes = Object.fromEntries(
    Object.entries(storm.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
  );
  const ok = storm['2xx'];
  const result = {
    startedAt: storm.start,
    settings,
    environment: {
      node: process.version,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model,
      uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
      // 1-minute load average: other work on the machine skews every figure here.
      loadAverage: { before: loadBefore, after: round(loadavg()[0] ?? Number.NaN) },
    },
    login: {
      durationSeconds: storm.duration,
      ok,
      perSecond: ok / storm.duration,
      p50: storm.latency.p50,
      p99: storm.latency.p99,
      max: storm.latency.max,
      non2xx: storm.non2xx,
      errors: storm.errors,
      timeouts: storm.timeouts,
      statusCodes,
    },
    healthz: {
      idle,
      storm: underStorm,
      ratio: { p50: underStorm.p50 / idle.p50, p99: underStorm.p99 / idle.p99 },
    },
  };
  printSummary(result);

  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `login-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`Saved ${file}\n`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`login-bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  await auth?.stop();
}
