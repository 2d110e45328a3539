// A mixed, bounded load against a RUNNING gateway (`npm start` in another
// terminal): registers a few users, logs them in, then for a fixed time keeps
// LOADTEST_CONCURRENCY requests in flight, mixing reads with a trickle of
// logins, and prints throughput, latency per operation and errors by status.
//
// Env (all optional): LOADTEST_URL (http://127.0.0.1:8080), LOADTEST_SECONDS (20),
// LOADTEST_CONCURRENCY (16), LOADTEST_USERS (8), LOADTEST_LOGINS_PER_MINUTE (30).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from './lib/latency-sampler.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));

function setting(name, fallback, min, max) {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const settings = {
  url: (process.env.LOADTEST_URL || 'http://127.0.0.1:8080').replace(/\/$/, ''),
  seconds: setting('LOADTEST_SECONDS', 20, 1, 300),
  concurrency: setting('LOADTEST_CONCURRENCY', 16, 1, 256),
  users: setting('LOADTEST_USERS', 8, 1, 100),
  // The gateway allows 10 logins a minute per address and email by default: the
  // trickle stays under that, spread over the users.
  loginsPerMinute: setting('LOADTEST_LOGINS_PER_MINUTE', 30, 0, 6000),
};
const PASSWORD = 'loadtest-password-0123';
const REQUEST_TIMEOUT_MS = 10_000;

// Whatever happens, the run ends: setup (a hash per registration and login) plus the load.
const watchdog = setTimeout(
  () => {
    process.stderr.write('loadtest: watchdog expired, aborting\n');
    process.exit(1);
  },
  (settings.seconds + 120) * 1000,
);
watchdog.unref();

/** One request; resolves `{status, ms, body}`, status 0 for a network error or timeout. */
async function call(method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  try {
    const res = await fetch(`${settings.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, ms: performance.now() - started, text };
  } catch (error) {
    return {
      status: 0,
      ms: performance.now() - started,
      text: String(error.cause?.code ?? error.name),
    };
  }
}

const json = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

async function login(user) {
  const reply = await call('POST', '/api/v1/auth/login', {
    body: { email: user.email, password: PASSWORD },
  });
  const token = reply.status === 200 ? json(reply.text)?.access_token : undefined;
  if (token) user.token = token;
  return reply;
}

async function setUp() {
  const health = await call('GET', '/healthz');
  if (health.status !== 200) {
    throw new Error(
      `${settings.url}/healthz answered ${health.status || health.text}: is the gateway running (npm start)?`,
    );
  }
  const run = randomBytes(4).toString('hex');
  const users = Array.from({ length: settings.users }, (_, i) => ({
    email: `loadtest-${run}-${i}@example.com`,
    token: undefined,
  }));
  // A few at a time: each registration and login is one password hash.
  const queue = [...users];
  const worker = async () => {
    for (let user = queue.shift(); user; user = queue.shift()) {
      const registered = await call('POST', '/api/v1/auth/register', {
        body: { email: user.email, password: PASSWORD, name: 'Load Test' },
      });
      if (registered.status !== 201) {
        throw new Error(`register ${user.email}: ${registered.status} ${registered.text}`);
      }
      const reply = await login(user);
      if (!user.token) throw new Error(`login ${user.email}: ${reply.status} ${reply.text}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return users;
}

/**
 * The read mix, by weight. Order placement comes with its own issue: add
 * `{ name: 'POST /api/v1/orders', weight, run: (user) => call('POST', '/api/v1/orders',
 * { token: user.token, body: { items: [...] } }) }` here (with an `Idempotency-Key`),
 * and count 202 as success below.
 */
const OPERATIONS = [
  {
    name: 'GET /api/v1/users/me',
    weight: 4,
    run: (user) => call('GET', '/api/v1/users/me', { token: user.token }),
  },
  {
    name: 'GET /api/v1/inventory/products',
    weight: 3,
    run: (user) => call('GET', '/api/v1/inventory/products', { token: user.token }),
  },
  {
    name: 'GET /api/v1/orders',
    weight: 3,
    run: (user) => call('GET', '/api/v1/orders', { token: user.token }),
  },
];
const LOGIN = 'POST /api/v1/auth/login';
const SUCCESS = new Set([200, 201, 202, 204]);

function pickOperation() {
  const total = OPERATIONS.reduce((sum, op) => sum + op.weight, 0);
  let roll = Math.random() * total;
  for (const op of OPERATIONS) {
    roll -= op.weight;
    if (roll < 0) return op;
  }
  return OPERATIONS[0];
}

async function drive(users) {
  const stats = new Map();
  const record = (name, reply) => {
    const entry = stats.get(name) ?? { latencies: [], ok: 0, statuses: {} };
    stats.set(name, entry);
    entry.latencies.push(reply.ms);
    if (SUCCESS.has(reply.status)) entry.ok += 1;
    else {
      const key = reply.status === 0 ? `network (${reply.text})` : String(reply.status);
      entry.statuses[key] = (entry.statuses[key] ?? 0) + 1;
    }
  };
  const deadline = performance.now() + settings.seconds * 1000;
  const reader = async () => {
    while (performance.now() < deadline) {
      const user = users[Math.floor(Math.random() * users.length)];
      const op = pickOperation();
      record(op.name, await op.run(user));
    }
  };
  // Logins at a steady trickle, round robin over the users (a real client logs in rarely).
  const loginLane = async () => {
    if (settings.loginsPerMinute === 0) return;
    const interval = 60_000 / settings.loginsPerMinute;
    for (let i = 0; performance.now() + interval < deadline; i += 1) {
      const started = performance.now();
      record(LOGIN, await login(users[i % users.length]));
      const wait = interval - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  const started = performance.now();
  await Promise.all([loginLane(), ...Array.from({ length: settings.concurrency }, reader)]);
  return { stats, seconds: (performance.now() - started) / 1000 };
}

function report({ stats, seconds }) {
  const round = (n) => (Number.isFinite(n) ? Number(n.toFixed(1)) : null);
  const operations = [...stats.entries()].map(([name, entry]) => {
    const s = summarize(entry.latencies);
    return {
      name,
      requests: entry.latencies.length,
      perSecond: round(entry.latencies.length / seconds),
      ok: entry.ok,
      p50: round(s.p50),
      p90: round(s.p90),
      p99: round(s.p99),
      errors: entry.statuses,
    };
  });
  const total = operations.reduce((n, op) => n + op.requests, 0);
  const failed = operations.reduce((n, op) => n + op.requests - op.ok, 0);
  const byStatus = {};
  for (const op of operations) {
    for (const [status, count] of Object.entries(op.errors))
      byStatus[status] = (byStatus[status] ?? 0) + count;
  }
  const lines = [
    '',
    `Load test: ${settings.url}, ${settings.concurrency} concurrent, ${round(seconds)} s, ${settings.users} users, ` +
      `${settings.loginsPerMinute} logins/min`,
    `  throughput ${round(total / seconds)} req/s (${total} requests, ${failed} failed)`,
    '',
    `  ${'operation'.padEnd(32)}${'req/s'.padStart(8)}${'ok'.padStart(8)}${'p50 ms'.padStart(9)}${'p90 ms'.padStart(9)}${'p99 ms'.padStart(9)}  errors`,
    ...operations.map(
      (op) =>
        `  ${op.name.padEnd(32)}${String(op.perSecond).padStart(8)}${String(op.ok).padStart(8)}` +
        `${String(op.p50).padStart(9)}${String(op.p90).padStart(9)}${String(op.p99).padStart(9)}  ` +
        (Object.keys(op.errors).length ? JSON.stringify(op.errors) : '-'),
    ),
    '',
    `  errors by status: ${Object.keys(byStatus).length ? JSON.stringify(byStatus) : 'none'}`,
    '',
  ];
  if ((byStatus['429'] ?? 0) > total / 10) {
    lines.push(
      '  Most refusals are 429: the gateway limits each user (RATE_LIMIT_PER_MINUTE, 600 by default).',
      '  To measure capacity rather than the limiter, start it with RATE_LIMIT_PER_MINUTE=1000000.',
      '',
    );
  }
  process.stdout.write(lines.join('\n'));
  return {
    settings,
    seconds: round(seconds),
    throughput: round(total / seconds),
    total,
    failed,
    byStatus,
    operations,
  };
}

try {
  process.stderr.write(`setting up ${settings.users} users on ${settings.url}…\n`);
  const users = await setUp();
  process.stderr.write(`mixed load for ${settings.seconds} s…\n`);
  const result = report(await drive(users));
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `loadtest-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`Saved ${file}\n`);
} catch (error) {
  process.stderr.write(`loadtest failed: ${error.message ?? error}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
}
