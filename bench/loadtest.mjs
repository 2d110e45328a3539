// A mixed, bounded load against a RUNNING gateway (`npm start` in another
// terminal), driven through the typed SDK (@portico/sdk) as a client would:
// registers a few users, logs them in, then for a fixed time keeps
// LOADTEST_CONCURRENCY requests in flight, mixing reads and order placement
// with a trickle of logins, and prints throughput, latency per operation and
// errors by status.
//
// Env (all optional, checked before anything is sent; see loadtest-settings.mjs):
// LOADTEST_URL (http://127.0.0.1:8080), LOADTEST_SECONDS (20), LOADTEST_CONCURRENCY (16),
// LOADTEST_USERS (8), LOADTEST_LOGINS_PER_MINUTE (30), LOADTEST_PROGRESS_SECONDS (5),
// LOADTEST_TRACK (none; poll or sse: follow each placed order to its terminal status).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPortico, unwrap, watchOrder } from '@portico/sdk';
import { summarize } from './lib/latency-sampler.mjs';
import { parseLoadtestSettings, SettingsError } from './loadtest-settings.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));

/**
 * A registered user and the SDK client that holds their session.
 * @typedef {{ email: string; portico: import('@portico/sdk').Portico }} User
 * @typedef {{ status: number; ms: number; text?: string; orderId?: string }} Reply
 * @typedef {(name: string, reply: Reply) => void} Recorder
 * @typedef {{ name: string; weight: number; places?: boolean; run: (user: User) => Promise<Reply> }} Operation
 * @typedef {{ latencies: number[]; ok: number; statuses: Record<string, number> }} OperationStats
 */

/**
 * One of `items` at random; never called with none (the settings' minimums, the seeded products).
 * @template T
 * @param {readonly T[]} items
 */
const anyOf = (items) => /** @type {T} */ (items[Math.floor(Math.random() * items.length)]);

/** @type {import('./loadtest-settings.mjs').LoadtestSettings} */
let settings;
try {
  settings = parseLoadtestSettings(process.env);
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  process.stderr.write(`loadtest: ${error.message}\n`);
  process.exit(2);
}

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

/**
 * Times one SDK call; resolves `{status, ms, text}`: the HTTP status, or 0
 * with the error's code for a network error or timeout. `send` gets the
 * options every call passes (a timeout) and returns openapi-fetch's result;
 * a session method that throws a PorticoError counts with its status.
 * @param {(options: { signal: AbortSignal }) => Promise<{ response: { status: number }; error?: { code?: string }; orderId?: string }>} send
 * @returns {Promise<Reply>}
 */
async function timed(send) {
  const started = performance.now();
  const options = { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
  try {
    const { response, error, orderId } = await send(options);
    return { status: response.status, ms: performance.now() - started, text: error?.code, orderId };
  } catch (error) {
    return {
      status: error.status ?? 0,
      ms: performance.now() - started,
      text: String(error.code ?? error.cause?.code ?? error.name),
    };
  }
}

/**
 * Logs a user in again through their session, which keeps the new tokens.
 * @param {User} user
 */
const login = (user) =>
  timed(async () => {
    await user.portico.session.login({ email: user.email, password: PASSWORD });
    return { response: { status: 200 } };
  });

async function setUp() {
  const health = await fetch(`${settings.url}/healthz`).catch((error) => ({
    status: error.cause?.code ?? error.name,
  }));
  if (health.status !== 200) {
    throw new Error(
      `${settings.url}/healthz answered ${health.status}: is the gateway running (npm start)?`,
    );
  }
  const run = randomBytes(4).toString('hex');
  const users = Array.from({ length: settings.users }, (_, i) => ({
    email: `loadtest-${run}-${i}@example.com`,
    portico: createPortico({ baseUrl: settings.url }),
  }));
  // A few at a time: each registration and login is one password hash.
  const queue = [...users];
  const worker = async () => {
    for (let user = queue.shift(); user; user = queue.shift()) {
      await user.portico.session.register({
        email: user.email,
        password: PASSWORD,
        name: 'Load Test',
      });
      await user.portico.session.login({ email: user.email, password: PASSWORD });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  // settings.users is at least 1.
  const [first] = /** @type {[(typeof users)[number]]} */ (users);
  const catalogue = unwrap(
    await first.portico.inventory.GET('/api/v1/inventory/products', {
      params: { query: { limit: 100 } },
    }),
  );
  const skus = catalogue.items.map((p) => p.sku);
  if (skus.length === 0) throw new Error('no products to order (npm start seeds demo products)');
  return { users, skus };
}

/**
 * The mix, by weight: reads, and an order of one unit of a random product now
 * and then (202 even when the stock has run out: the saga rejects it later).
 * Each placement carries a fresh `Idempotency-Key`, as a client that may retry must.
 * @param {string[]} skus
 * @returns {Operation[]}
 */
const operations = (skus) => [
  {
    name: 'GET /api/v1/users/me',
    weight: 4,
    run: (user) => timed((o) => user.portico.users.GET('/api/v1/users/me', o)),
  },
  {
    name: 'GET /api/v1/inventory/products',
    weight: 3,
    run: (user) => timed((o) => user.portico.inventory.GET('/api/v1/inventory/products', o)),
  },
  {
    name: 'GET /api/v1/orders',
    weight: 2,
    run: (user) => timed((o) => user.portico.orders.GET('/api/v1/orders', o)),
  },
  {
    name: 'POST /api/v1/orders',
    weight: 1,
    places: true,
    run: (user) =>
      timed(async (o) => {
        const result = await user.portico.orders.POST('/api/v1/orders', {
          ...o,
          params: { header: { 'Idempotency-Key': randomUUID() } },
          body: { items: [{ sku: anyOf(skus), quantity: 1 }] },
        });
        return { ...result, orderId: result.data?.id };
      }),
  },
];
const TERMINAL = new Set(['confirmed', 'rejected', 'cancelled']);
const POLL_INTERVAL_MS = 100;
const SETTLE_TIMEOUT_MS = 30_000;

/**
 * Follows a placed order until the saga settles it, as a client waiting for
 * the outcome would: polls `GET /api/v1/orders/{id}` (each poll recorded as a
 * request) or reads its event stream with the SDK's `watchOrder`. Resolves
 * the terminal status, or `timeout` / the error's code.
 * @param {User} user
 * @param {string} orderId
 * @param {Recorder} record
 * @returns {Promise<string>}
 */
async function follow(user, orderId, record) {
  const signal = AbortSignal.timeout(SETTLE_TIMEOUT_MS);
  try {
    if (settings.track === 'sse') {
      let status = 'ended early';
      for await (const order of watchOrder(user.portico, orderId, { signal }))
        status = order.status;
      return status;
    }
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      /** @type {string | undefined} */
      let status;
      const reply = await timed(async (o) => {
        const result = await user.portico.orders.GET('/api/v1/orders/{id}', {
          ...o,
          params: { path: { id: orderId } },
        });
        status = result.data?.status;
        return result;
      });
      record('GET /api/v1/orders/{id}', reply);
      if (status !== undefined && TERMINAL.has(status)) return status;
      if (signal.aborted) return 'timeout';
    }
  } catch (error) {
    return signal.aborted ? 'timeout' : String(error.code ?? error.cause?.code ?? error.name);
  }
}

const LOGIN = 'POST /api/v1/auth/login';
const SUCCESS = new Set([200, 201, 202, 204]);

/**
 * @param {Operation[]} mix
 * @returns {Operation}
 */
function pickOperation(mix) {
  const total = mix.reduce((sum, op) => sum + op.weight, 0);
  let roll = Math.random() * total;
  for (const op of mix) {
    roll -= op.weight;
    if (roll < 0) return op;
  }
  return /** @type {Operation} */ (mix[0]);
}

/**
 * Every LOADTEST_PROGRESS_SECONDS, one line on stderr (stdout keeps only the
 * report): time run, requests done, the rate since the last line, failures.
 * @param {{ done: number; failed: number; failedBy: Record<string, number> }} counts
 */
function startProgress(counts) {
  const started = performance.now();
  let last = { at: started, done: 0 };
  const timer = setInterval(() => {
    const now = performance.now();
    const rate = ((counts.done - last.done) * 1000) / (now - last.at);
    last = { at: now, done: counts.done };
    const failures = Object.entries(counts.failedBy)
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ');
    process.stderr.write(
      `loadtest: ${Math.round((now - started) / 1000)}/${settings.seconds} s, ${counts.done} requests, ` +
        `${rate.toFixed(0)} req/s, ${counts.failed} failed${failures ? ` (${failures})` : ''}\n`,
    );
  }, settings.progressSeconds * 1000);
  return () => clearInterval(timer);
}

/** @param {{ users: User[]; skus: string[] }} setup */
async function drive({ users, skus }) {
  const mix = operations(skus);
  /** @type {Map<string, OperationStats>} */
  const stats = new Map();
  /** @type {{ done: number; failed: number; failedBy: Record<string, number> }} */
  const counts = { done: 0, failed: 0, failedBy: {} };
  /** @type {Recorder} */
  const record = (name, reply) => {
    const entry = stats.get(name) ?? { latencies: [], ok: 0, statuses: {} };
    stats.set(name, entry);
    entry.latencies.push(reply.ms);
    counts.done += 1;
    if (SUCCESS.has(reply.status)) entry.ok += 1;
    else {
      const key = reply.status === 0 ? `network (${reply.text})` : String(reply.status);
      entry.statuses[key] = (entry.statuses[key] ?? 0) + 1;
      counts.failed += 1;
      counts.failedBy[key] = (counts.failedBy[key] ?? 0) + 1;
    }
  };
  // Placement to terminal status, per tracked order: the latency a waiting client sees.
  /** @type {{ latencies: number[]; statuses: Record<string, number> }} */
  const settled = { latencies: [], statuses: {} };
  const deadline = performance.now() + settings.seconds * 1000;
  const reader = async () => {
    while (performance.now() < deadline) {
      const user = anyOf(users);
      const op = pickOperation(mix);
      const started = performance.now();
      const reply = await op.run(user);
      record(op.name, reply);
      if (op.places && reply.orderId && settings.track !== 'none') {
        const status = await follow(user, reply.orderId, record);
        settled.latencies.push(performance.now() - started);
        settled.statuses[status] = (settled.statuses[status] ?? 0) + 1;
      }
    }
  };
  // Logins at a steady trickle, round robin over the users (a real client logs in rarely).
  const loginLane = async () => {
    if (settings.loginsPerMinute === 0) return;
    const interval = 60_000 / settings.loginsPerMinute;
    for (let i = 0; performance.now() + interval < deadline; i += 1) {
      const started = performance.now();
      record(LOGIN, await login(/** @type {User} */ (users[i % users.length])));
      const wait = interval - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  const started = performance.now();
  const stopProgress = startProgress(counts);
  await Promise.all([loginLane(), ...Array.from({ length: settings.concurrency }, reader)]);
  stopProgress();
  return { stats, settled, seconds: (performance.now() - started) / 1000 };
}

/** @param {Awaited<ReturnType<typeof drive>>} run */
function report({ stats, settled, seconds }) {
  const round = (/** @type {number} */ n) => (Number.isFinite(n) ? Number(n.toFixed(1)) : null);
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
  /** @type {Record<string, number>} */
  const byStatus = {};
  for (const op of operations) {
    for (const [status, count] of Object.entries(op.errors))
      byStatus[status] = (byStatus[status] ?? 0) + count;
  }
  const lines = [
    '',
    `Load test: ${settings.url}, ${settings.concurrency} concurrent, ${round(seconds)} s, ${settings.users} users, ` +
      `${settings.loginsPerMinute} logins/min, orders followed: ${settings.track}`,
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
  const toTerminal = summarize(settled.latencies);
  const timeToTerminal =
    settings.track === 'none'
      ? undefined
      : {
          track: settings.track,
          orders: settled.latencies.length,
          p50: round(toTerminal.p50),
          p90: round(toTerminal.p90),
          p99: round(toTerminal.p99),
          statuses: settled.statuses,
        };
  if (timeToTerminal) {
    lines.push(
      `  placed to terminal status (LOADTEST_TRACK=${settings.track}): ${timeToTerminal.orders} orders, ` +
        `p50 ${timeToTerminal.p50} ms, p90 ${timeToTerminal.p90} ms, p99 ${timeToTerminal.p99} ms, ` +
        JSON.stringify(settled.statuses),
      '',
    );
  }
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
    ...(timeToTerminal && { timeToTerminal }),
  };
}

try {
  process.stderr.write(`setting up ${settings.users} users on ${settings.url}…\n`);
  const setup = await setUp();
  process.stderr.write(`mixed load for ${settings.seconds} s…\n`);
  const result = report(await drive(setup));
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
