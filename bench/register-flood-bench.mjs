// Registration flood vs. everyone else's logins (issue 12): a few hundred
// registrations at once used to queue behind the password-hashing pool, so
// every login timed out. This starts the built auth service alone, measures one
// user's sequential logins idle, then again while a bounded flood of
// registrations hits the same service, and prints both side by side with what
// the flood was answered (201 accepted, 503 AUTH_BUSY refused at once).
//
// Env (all optional): BENCH_FLOOD_SECONDS (10), BENCH_IDLE_SECONDS (5),
// BENCH_CONNECTIONS (200), BENCH_LOGIN_INTERVAL_MS (50),
// BENCH_REGISTRATION_BUDGETS (`open`: the flood reaches the hash queue, the
// default; `shipped`: the auth service's default per-address and deployment
// registration budgets, so the flood is mostly refused before hashing).
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startAuthAlone } from './lib/auth-alone.mjs';
import { sampleLatency } from './lib/latency-sampler.mjs';
import { setting } from './lib/settings.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));

const settings = {
  floodSeconds: setting('BENCH_FLOOD_SECONDS', 10, 1, 120),
  idleSeconds: setting('BENCH_IDLE_SECONDS', 5, 1, 120),
  connections: setting('BENCH_CONNECTIONS', 200, 1, 1000),
  loginIntervalMs: setting('BENCH_LOGIN_INTERVAL_MS', 50, 1, 1000),
  registrationBudgets: process.env.BENCH_REGISTRATION_BUDGETS ?? 'open',
};
if (!['open', 'shipped'].includes(settings.registrationBudgets)) {
  process.stderr.write('BENCH_REGISTRATION_BUDGETS must be open or shipped\n');
  process.exit(2);
}
const USER = { email: 'steady-user@example.com', password: 'a steady passphrase 2026' };

let auth;

function registrationFlood(base) {
  let next = 0;
  const run = `${process.pid}-${Date.now()}`;
  return autocannon({
    url: `${base}/api/v1/auth/register`,
    connections: settings.connections,
    duration: settings.floodSeconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          next += 1;
          request.body = JSON.stringify({
            email: `flood-${run}-${next}@example.com`,
            password: 'flood passphrase 0123',
            name: 'Flood',
          });
          return request;
        },
      },
    ],
  });
}

const round = (n, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

async function main() {
  auth = await startAuthAlone({
    name: 'register-flood-bench',
    budgetSeconds: settings.floodSeconds + settings.idleSeconds + 120,
    // An empty value unsets the bench's open budget: the service's own default applies.
    env:
      settings.registrationBudgets === 'shipped'
        ? { REGISTRATION_MAX_PER_ADDRESS: '', REGISTRATION_MAX_PER_MINUTE: '' }
        : {},
  });
  const { base } = auth;
  const registered = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...USER, name: 'Steady' }),
  });
  if (registered.status !== 201) throw new Error(`register → ${registered.status}`);

  const logins = (durationMs, signal) =>
    sampleLatency({
      url: `${base}/api/v1/auth/login`,
      post: JSON.stringify(USER),
      durationMs,
      intervalMs: settings.loginIntervalMs,
      signal,
    });

  const loadBefore = round(loadavg()[0]);
  process.stderr.write(`one user's logins, idle, for ${settings.idleSeconds} s…\n`);
  const idle = await logins(settings.idleSeconds * 1000);

  process.stderr.write(
    `registration flood (${settings.connections} connections, ${settings.floodSeconds} s) with the same logins…\n`,
  );
  const stop = new AbortController();
  const during = logins(settings.floodSeconds * 1000 + 5000, stop.signal);
  const flood = await registrationFlood(base);
  stop.abort();
  const underFlood = await during;

  const statusCodes = Object.fromEntries(
    Object.entries(flood.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
  );
  const result = {
    settings,
    environment: {
      node: process.version,
      cpus: availableParallelism(),
      loadAverage: { before: loadBefore, after: round(loadavg()[0]) },
    },
    logins: {
      idle,
      underFlood,
      ratio: { p50: underFlood.p50 / idle.p50, p99: underFlood.p99 / idle.p99 },
    },
    flood: {
      requests: flood.requests.total,
      statusCodes,
      accepted: statusCodes['201'] ?? 0,
      refusedAtOnce: (statusCodes['503'] ?? 0) + (statusCodes['429'] ?? 0),
      errors: flood.errors,
      timeouts: flood.timeouts,
      p50: flood.latency.p50,
      p99: flood.latency.p99,
    },
  };

  const ms = (n) => `${round(n)} ms`;
  const sampled = (s) =>
    `p50 ${ms(s.p50)}   p99 ${ms(s.p99)}   max ${ms(s.max)}   n=${s.samples}   failures ${s.failures}`;
  process.stdout.write(
    [
      '',
      `One user logging in every ${settings.loginIntervalMs} ms (${result.environment.cpus} CPUs)`,
      `  idle (${settings.idleSeconds} s)     ${sampled(idle)}`,
      `  under flood        ${sampled(underFlood)}`,
      `  flood/idle         p50 ×${round(result.logins.ratio.p50, 2)}   p99 ×${round(result.logins.ratio.p99, 2)}`,
      `Registration flood: ${result.flood.requests} requests, ${JSON.stringify(statusCodes)}, errors ${flood.errors}, timeouts ${flood.timeouts}`,
      `  answered in        p50 ${ms(flood.latency.p50)}   p99 ${ms(flood.latency.p99)}`,
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
  await auth?.stop();
}
