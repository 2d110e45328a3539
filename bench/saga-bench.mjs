// The order saga's throughput and latency, end to end through the gateway, on
// the BUILT services (`npx tsc -b` first), each in its own process:
//   (a) sustained throughput: for SAGA_BENCH_SECONDS, SAGA_BENCH_CONCURRENCY
//       order placements in flight; afterwards, the orders' own histories say
//       which were confirmed within the window: confirmed orders per second;
//   (b) latency: an open loop of SAGA_BENCH_RATE orders/s for
//       SAGA_BENCH_LATENCY_SECONDS, each polled every SAGA_BENCH_POLL_MS until
//       terminal: time from POST to the client seeing `confirmed`, p50/p99.
// Embedded mode always (unless --redis-only); Redis mode too when REDIS_URL is
// set or with --redis (default redis://127.0.0.1:6379), under a fresh key prefix.
//
// Env (all optional): SAGA_BENCH_SECONDS (30), SAGA_BENCH_CONCURRENCY (64),
// SAGA_BENCH_RATE (50), SAGA_BENCH_LATENCY_SECONDS (20), SAGA_BENCH_USERS (16),
// SAGA_BENCH_WARMUP_SECONDS (3), SAGA_BENCH_POLL_MS (5).
// With --profile, order-, inventory- and user-service and the gateway run under
// `--cpu-prof`; their top functions are printed after each mode and the
// `.cpuprofile` files kept in results/ (open them in Chrome DevTools).
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { summarizeCpuProfile } from './lib/cpu-profile.mjs';
import { createJsonClient } from './lib/json-client.mjs';
import { summarize } from './lib/latency-sampler.mjs';
import { BENCH_ADMIN, startPortico } from './lib/portico-processes.mjs';
import { setting } from './lib/settings.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');
const GOAL = { confirmedPerSecond: 300, p99Ms: 250 };
const PASSWORD = 'saga-bench-password-0123';

const settings = {
  seconds: setting('SAGA_BENCH_SECONDS', 30, 1, 300),
  concurrency: setting('SAGA_BENCH_CONCURRENCY', 64, 1, 512),
  rate: setting('SAGA_BENCH_RATE', 50, 1, 1000),
  latencySeconds: setting('SAGA_BENCH_LATENCY_SECONDS', 20, 1, 300),
  users: setting('SAGA_BENCH_USERS', 16, 1, 200),
  warmupSeconds: setting('SAGA_BENCH_WARMUP_SECONDS', 3, 0, 60),
  pollMs: setting('SAGA_BENCH_POLL_MS', 5, 1, 100),
};
const redisWanted = process.argv.includes('--redis') || process.argv.includes('--redis-only');
const redisUrl = process.env.REDIS_URL || (redisWanted ? 'redis://127.0.0.1:6379' : undefined);
const modes = [
  ...(process.argv.includes('--redis-only') ? [] : ['embedded']),
  ...(redisUrl ? ['redis'] : []),
];
/** @type {import('./lib/portico-processes.mjs').ServiceName[]} */
const PROFILED = process.argv.includes('--profile')
  ? ['order', 'inventory', 'user', 'gateway']
  : [];
/** No order waits longer than this for a terminal status, nor a drain for the backlog. */
const ORDER_WITHIN_MS = 10_000;
const DRAIN_WITHIN_MS = 120_000;

/**
 * @typedef {ReturnType<typeof createJsonClient>} JsonClient
 * @typedef {Awaited<ReturnType<JsonClient['call']>>} Reply
 * @typedef {{ email: string; token: string }} BenchUser
 * @typedef {{ skus: string[]; users: BenchUser[] }} Shop
 * @typedef {{ id: string; status: string; history: { status: string; at: string }[] }} Order
 * @typedef {{ answer: number; status: string; ms: number; serverMs: number; postMs: number; polls: number }} Settled
 */

/** @type {Awaited<ReturnType<typeof startPortico>> | undefined} */
let running;
const watchdog = setTimeout(
  () => {
    process.stderr.write('saga-bench: watchdog expired, aborting\n');
    (running?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  },
  modes.length * (settings.warmupSeconds + settings.seconds + settings.latencySeconds + 400) * 1000,
);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the services\n`);
    (running?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

/**
 * CPU seconds a process has used (Linux /proc; utime + stime at 100 ticks/s); undefined elsewhere.
 * @param {number | undefined} pid
 */
function cpuSeconds(pid) {
  try {
    // A missing `) ` throws, as an unreadable file does: no figure.
    const after = /** @type {string} */ (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]);
    const fields = after.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU use of every process (and this client) over a phase: ms per `per` things done.
 * @param {Record<string, number | undefined>} pids
 */
function cpuMeter(pids) {
  const before = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]),
  );
  const client = process.cpuUsage();
  return (/** @type {number} */ per) => {
    /** @type {Record<string, number | null>} */
    const used = {};
    for (const [name, pid] of Object.entries(pids)) {
      const after = cpuSeconds(pid);
      const start = before[name];
      if (after !== undefined && start !== undefined)
        used[name] = round(((after - start) * 1000) / Math.max(1, per), 2);
    }
    const c = process.cpuUsage(client);
    used.client = round((c.user + c.system) / 1000 / Math.max(1, per), 2);
    return used;
  };
}

/**
 * @param {number} n
 * @param {number} [digits]
 */
const round = (n, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);
const load = () => round(loadavg()[0] ?? Number.NaN, 2);
const log = (/** @type {string} */ message) => process.stdout.write(`${message}\n`);

/**
 * The body of `reply`, or an error naming `what` when its status is not `status`.
 * @param {Reply} reply
 * @param {number} status
 * @param {string} what
 */
function must(reply, status, what) {
  if (reply.status !== status)
    throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)?.slice(0, 300)}`);
  return reply.body;
}

/**
 * Products with stock that never runs out, and users logged in through the gateway.
 * @param {JsonClient} client
 * @param {string} run
 * @returns {Promise<Shop>}
 */
async function setUp(client, run) {
  const admin = must(
    await client.call('POST', '/api/v1/auth/login', { body: BENCH_ADMIN }),
    200,
    'admin login',
  ).access_token;
  const skus = [];
  for (let i = 0; i < 4; i += 1) {
    const sku = `SAGA-${run}-${i}`;
    const product = { sku, name: `Bench ${i}`, priceCents: 100 + i, stock: 1_000_000_000 };
    must(
      await client.call('POST', '/api/v1/inventory/products', { token: admin, body: product }),
      201,
      `create ${sku}`,
    );
    skus.push(sku);
  }
  const queue = Array.from({ length: settings.users }, (_, i) => `saga-${run}-${i}@example.com`);
  /** @type {BenchUser[]} */
  const users = [];
  // A few at a time: each registration and login is one password hash.
  const worker = async () => {
    for (let email = queue.shift(); email; email = queue.shift()) {
      must(
        await client.call('POST', '/api/v1/auth/register', {
          body: { email, password: PASSWORD, name: 'Bench' },
        }),
        201,
        `register ${email}`,
      );
      const login = must(
        await client.call('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } }),
        200,
        `login ${email}`,
      );
      users.push({ email, token: login.access_token });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { skus, users };
}

/**
 * @param {JsonClient} client
 * @param {Shop} shop
 * @param {number} n the order's number: it picks the user, the product and the quantity
 */
function placeOrder(client, shop, n) {
  const user = /** @type {BenchUser} */ (shop.users[n % shop.users.length]);
  const items = [{ sku: shop.skus[n % shop.skus.length], quantity: 1 + (n % 3) }];
  return client
    .call('POST', '/api/v1/orders', {
      token: user.token,
      body: { items },
      headers: { 'idempotency-key': randomUUID() },
    })
    .then((reply) => ({ reply, user }));
}

/**
 * Every order of the bench users, through the gateway's paginated list.
 * @param {JsonClient} client
 * @param {BenchUser[]} users
 */
async function listOrders(client, users) {
  /** @type {Map<string, Order>} */
  const orders = new Map();
  for (const user of users) {
    let cursor = null;
    for (let page = 0; page < 10_000; page += 1) {
      const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const body = must(
        await client.call('GET', `/api/v1/orders?limit=100${query}`, { token: user.token }),
        200,
        'list orders',
      );
      for (const order of body.items) orders.set(order.id, order);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
  }
  return orders;
}

/**
 * Closed loop: `concurrency` placements in flight for `seconds`; the accepted ids.
 * @param {JsonClient} client
 * @param {Shop} shop
 * @param {number} seconds
 * @param {number} concurrency
 */
async function closedLoop(client, shop, seconds, concurrency) {
  /** @type {Set<string>} */
  const accepted = new Set();
  /** @type {Record<number, number>} */
  const answers = {};
  /** @type {number[]} */
  const postMs = [];
  let n = 0;
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const { reply } = await placeOrder(client, shop, n++);
      answers[reply.status] = (answers[reply.status] ?? 0) + 1;
      postMs.push(reply.ms);
      if (reply.status === 202) accepted.add(reply.body.id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { accepted, answers, postMs, started, ended: Date.now() };
}

const confirmedAt = (/** @type {Order} */ order) => {
  const step = order.history.find((h) => h.status === 'confirmed');
  return step ? Date.parse(step.at) : undefined;
};

/**
 * Waits until none of `ids` is pending (listing, not polling each); the orders.
 * @param {JsonClient} client
 * @param {BenchUser[]} users
 * @param {Set<string>} ids
 */
async function drain(client, users, ids) {
  const deadline = Date.now() + DRAIN_WITHIN_MS;
  for (;;) {
    const all = await listOrders(client, users);
    const mine = [...ids].map((id) => all.get(id)).filter((o) => o !== undefined);
    const pending = mine.filter((o) => o.status === 'pending').length + (ids.size - mine.length);
    if (pending === 0 || Date.now() > deadline) return { orders: mine, pending };
    await sleep(500);
  }
}

/**
 * @param {JsonClient} client
 * @param {Shop} shop
 */
async function throughput(client, shop) {
  const loadBefore = load();
  const cpu = cpuMeter(/** @type {NonNullable<typeof running>} */ (running).pids);
  const run = await closedLoop(client, shop, settings.seconds, settings.concurrency);
  const cpuMsPerOrder = cpu(run.accepted.size);
  const windowSeconds = (run.ended - run.started) / 1000;
  const drained = await drain(client, shop.users, run.accepted);
  const inWindow = drained.orders.filter((o) => (confirmedAt(o) ?? Infinity) <= run.ended).length;
  /** @type {Record<string, number>} */
  const byStatus = {};
  for (const o of drained.orders) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  const post = summarize(run.postMs);
  return {
    windowSeconds: round(windowSeconds, 2),
    placed: run.accepted.size,
    placedPerSecond: round(run.accepted.size / windowSeconds),
    confirmedInWindow: inWindow,
    confirmedPerSecond: round(inWindow / windowSeconds),
    drainSeconds: round((Date.now() - run.ended) / 1000, 2),
    finalStatuses: byStatus,
    stillPending: drained.pending,
    answers: run.answers,
    postMs: { p50: round(post.p50), p99: round(post.p99) },
    cpuMsPerOrder,
    loadAverage: { before: loadBefore, after: load() },
  };
}

/**
 * One order, then polls until it is terminal: client-seen and server-recorded latency.
 * @param {JsonClient} client
 * @param {Shop} shop
 * @param {number} n
 * @returns {Promise<Settled | { answer: number; status?: string; polls?: number; ms?: undefined }>}
 */
async function timedOrder(client, shop, n) {
  const wallStart = Date.now();
  const started = performance.now();
  const { reply, user } = await placeOrder(client, shop, n);
  if (reply.status !== 202) return { answer: reply.status };
  const deadline = started + ORDER_WITHIN_MS;
  let polls = 0;
  while (performance.now() < deadline) {
    await sleep(settings.pollMs);
    polls += 1;
    const seen = await client.call('GET', `/api/v1/orders/${reply.body.id}`, { token: user.token });
    if (seen.status === 200 && seen.body.status !== 'pending') {
      const terminal = seen.body.history.at(-1);
      return {
        answer: 202,
        status: seen.body.status,
        ms: performance.now() - started,
        serverMs: Date.parse(terminal.at) - wallStart,
        postMs: reply.ms,
        polls,
      };
    }
  }
  return { answer: 202, status: 'timeout', polls };
}

/**
 * @param {JsonClient} client
 * @param {Shop} shop
 */
async function latency(client, shop) {
  const loadBefore = load();
  const total = settings.rate * settings.latencySeconds;
  const interval = 1000 / settings.rate;
  const started = performance.now();
  const results = [];
  let maxLagMs = 0;
  for (let i = 0; i < total; i += 1) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    results.push(timedOrder(client, shop, 1_000_000 + i));
  }
  const done = await Promise.all(results);
  const terminal = done.filter((r) => r.ms !== undefined);
  const client_ = summarize(terminal.map((r) => r.ms));
  const server = summarize(terminal.map((r) => r.serverMs));
  const post = summarize(terminal.map((r) => r.postMs));
  /** @param {'status' | 'answer'} key */
  const count = (key) => {
    /** @type {Record<string, number>} */
    const counts = {};
    for (const r of done) counts[String(r[key])] = (counts[String(r[key])] ?? 0) + 1;
    return counts;
  };
  return {
    orders: total,
    statuses: count('status'),
    answers: count('answer'),
    terminalMs: {
      p50: round(client_.p50),
      p90: round(client_.p90),
      p99: round(client_.p99),
      max: round(client_.max),
    },
    serverTerminalMs: { p50: round(server.p50), p99: round(server.p99) },
    postMs: { p50: round(post.p50), p99: round(post.p99) },
    pollsPerOrder: round(terminal.reduce((s, r) => s + r.polls, 0) / Math.max(1, terminal.length)),
    maxScheduleLagMs: round(maxLagMs),
    loadAverage: { before: loadBefore, after: load() },
  };
}

/** @param {string} mode `embedded` or `redis` */
async function benchMode(mode) {
  log(`\n== ${mode} mode ==`);
  const profileDirs = Object.fromEntries(
    PROFILED.map((name) => [name, mkdtempSync(join(tmpdir(), `saga-prof-${name}-`))]),
  );
  running = await startPortico({
    repoRoot,
    redisUrl: mode === 'redis' ? redisUrl : undefined,
    env: { gateway: { RATE_LIMIT_PER_MINUTE: '100000000' } },
    nodeArgs: Object.fromEntries(
      Object.entries(profileDirs).map(([name, dir]) => [
        name,
        ['--cpu-prof', `--cpu-prof-dir=${dir}`],
      ]),
    ),
  });
  const client = createJsonClient(running.gateway, { maxSockets: settings.concurrency + 64 });
  try {
    const shop = await setUp(client, Date.now().toString(36));
    if (settings.warmupSeconds > 0) {
      const warm = await closedLoop(
        client,
        shop,
        settings.warmupSeconds,
        Math.min(16, settings.concurrency),
      );
      await drain(client, shop.users, warm.accepted);
    }
    log(`throughput: ${settings.concurrency} in flight for ${settings.seconds} s …`);
    const a = await throughput(client, shop);
    log(`latency: ${settings.rate} orders/s for ${settings.latencySeconds} s …`);
    const b = await latency(client, shop);
    return {
      mode,
      ...(mode === 'redis' && { redisPrefix: running.prefix }),
      throughput: a,
      latency: b,
    };
  } finally {
    client.close();
    const exits = await running.stop();
    running = undefined;
    const unclean = Object.entries(exits).filter(([, e]) => e.code !== 0);
    if (unclean.length > 0)
      log(`processes that did not exit 0: ${JSON.stringify(Object.fromEntries(unclean))}`);
    for (const [name, dir] of Object.entries(profileDirs)) reportProfile(mode, name, dir);
  }
}

/** Prints where a profiled service spent its CPU and keeps the profile in results/. */
/**
 * @param {string} mode
 * @param {string} name
 * @param {string} dir
 */
function reportProfile(mode, name, dir) {
  const [file] = readdirSync(dir);
  if (!file) {
    log(`${name}: no CPU profile written (did it exit cleanly?)`);
    return;
  }
  const summary = summarizeCpuProfile(join(dir, file), repoRoot, 15);
  log(`\n${name} (${mode}): busy ${summary.busyMs} of ${summary.totalMs} ms; by package:`);
  console.table(summary.byPackage);
  log(`${name} (${mode}): self time`);
  console.table(summary.selfTime);
  log(`${name} (${mode}): inclusive time in our code`);
  console.table(summary.inclusiveOurs);
  const kept = join(benchDir, 'results', `saga-${mode}-${name}.cpuprofile`);
  mkdirSync(dirname(kept), { recursive: true });
  copyFileSync(join(dir, file), kept);
  log(`  profile: ${kept}`);
}

/**
 * Which goals a mode's run met. A figure is null when nothing was measured:
 * that meets no goal (a bare `null < 250` would).
 * @param {Awaited<ReturnType<typeof benchMode>>} r
 */
const goalsMet = (r) => ({
  confirmedPerSecond: (r.throughput.confirmedPerSecond ?? 0) >= GOAL.confirmedPerSecond,
  p99: (r.latency.terminalMs.p99 ?? Number.POSITIVE_INFINITY) < GOAL.p99Ms,
});

/** @param {Awaited<ReturnType<typeof benchMode>>[]} results */
function printSummary(results) {
  const rows = results.map((r) => ({
    mode: r.mode,
    'placed/s': r.throughput.placedPerSecond,
    'confirmed/s': r.throughput.confirmedPerSecond,
    'drain s': r.throughput.drainSeconds,
    'p50 ms': r.latency.terminalMs.p50,
    'p99 ms': r.latency.terminalMs.p99,
    'server p99 ms': r.latency.serverTerminalMs.p99,
    'load (a)': r.throughput.loadAverage.after,
    'load (b)': r.latency.loadAverage.after,
  }));
  console.table(rows);
  for (const r of results) {
    const met = goalsMet(r);
    const tp = met.confirmedPerSecond ? 'met' : 'MISSED';
    const lat = met.p99 ? 'met' : 'MISSED';
    log(`${r.mode}: ≥ ${GOAL.confirmedPerSecond} confirmed/s ${tp}; p99 < ${GOAL.p99Ms} ms ${lat}`);
    log(`  throughput ${JSON.stringify(r.throughput)}`);
    log(`  latency    ${JSON.stringify(r.latency)}`);
  }
}

async function main() {
  const machine = {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model,
    node: process.version,
    loadAverageAtStart: loadavg().map((n) => round(n, 2)),
  };
  log(
    `saga bench: modes ${modes.join(', ')}; ${machine.cpus} CPUs; load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  const results = [];
  for (const mode of modes) results.push(await benchMode(mode));
  printSummary(results);
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `saga-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const goals = Object.fromEntries(results.map((r) => [r.mode, goalsMet(r)]));
  writeFileSync(
    file,
    `${JSON.stringify({ settings, machine, goal: GOAL, goals, results, loadAverageAtEnd: loadavg().map((n) => round(n, 2)) }, null, 2)}\n`,
  );
  log(`results: ${file}`);
}

main().then(
  () => process.exit(0),
  async (error) => {
    process.stderr.write(`saga-bench failed: ${error.stack ?? error}\n`);
    await running?.stop().catch(() => {});
    process.exit(1);
  },
);
