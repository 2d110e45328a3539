// The gateway's cost, side by side with a bare Node proxy and the fastest Node
// peer, in one run (docs/architecture.md "Commands"). Separate processes: a
// small backend (auth JWKS and token endpoint, user lookup, the order list), a
// bare node:http keep-alive proxy (bench/lib/bare-proxy.mjs: the Node limit),
// fastify with the gateway's features (bench/lib/fastify-peer.mjs) and the
// BUILT gateway (gateway/dist/server.js) with every feature on; one load
// generator drives the same authenticated GET through each, alternating, and
// the figures and the ratios gateway ÷ bare proxy and gateway ÷ fastify are
// printed and saved.
//
// `node gateway-bench.mjs --profile` runs the gateway alone under
// `node --cpu-prof` instead and prints where its CPU time goes.
//
// Env (all optional): BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS
// (5), BENCH_CONNECTIONS (50), BENCH_LOAD_GENERATOR (auto | wrk | autocannon).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, startService, waitForReady } from './lib/child-service.mjs';
import { summarizeCpuProfile } from './lib/cpu-profile.mjs';
import { chooseLoadGenerator, runLoad } from './lib/load-generator.mjs';
import { setting } from './lib/settings.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchDir, '..');
const gatewayEntry = join(repoRoot, 'gateway/dist/server.js');
const PATH = '/api/v1/orders';
/** Issue 13: ≥ 0.9× the bare proxy's req/s, ≥ 1.25× the fastify peer's, p99 ≤ 1.5× the bare proxy's. */
const GOAL = { ratio: 0.9, peerRatio: 1.25, p99Factor: 1.5 };

const profileMode = process.argv.includes('--profile');
const settings = {
  rounds: setting('BENCH_ROUNDS', 3, 1, 10),
  seconds: setting('BENCH_SECONDS', 10, 1, 120),
  warmupSeconds: setting('BENCH_WARMUP_SECONDS', 5, 0, 60),
  connections: setting('BENCH_CONNECTIONS', 50, 1, 512),
  loadGenerator: chooseLoadGenerator(),
};

/** @type {import('./lib/child-service.mjs').Service[]} */
const children = [];
const scratch = mkdtempSync(join(tmpdir(), 'portico-gateway-bench-'));
async function cleanUp() {
  await Promise.all(children.map((child) => child.stop()));
  rmSync(scratch, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the bench's processes\n`);
    cleanUp().finally(() => process.exit(130));
  });
}
// Whatever happens, the whole run ends: every load window plus generous setup time.
const loadSeconds = profileMode
  ? settings.warmupSeconds + settings.seconds
  : 3 * (settings.warmupSeconds + settings.rounds * settings.seconds);
const watchdog = setTimeout(
  () => {
    process.stderr.write('gateway-bench: watchdog expired, aborting\n');
    cleanUp().finally(() => process.exit(1));
  },
  (loadSeconds * 1.5 + 120) * 1000,
);
watchdog.unref();

/**
 * @param {string} name
 * @param {string} entry
 * @param {Record<string, string>} env
 * @param {{ nodeArgs?: string[]; discardStdout?: boolean }} [options]
 */
function start(name, entry, env, options = {}) {
  const service = startService({ name, entry, env, cwd: repoRoot, ...options });
  children.push(service);
  return service;
}

async function startBackend() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const backend = start('backend', join(benchDir, 'lib/bench-backend.mjs'), { PORT: String(port) });
  await waitForReady(`${url}/healthz`, backend);
  const res = await fetch(`${url}/bench/user-token`, { signal: AbortSignal.timeout(5000) });
  const { token } = /** @type {{ token: string }} */ (await res.json());
  return { url, token };
}

/**
 * A proxy from bench/lib that takes PORT and TARGET_URL: the bare one, or the fastify peer.
 * @param {string} name
 * @param {string} file
 * @param {string} backendUrl
 */
async function startProxy(name, file, backendUrl) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proxy = start(
    name,
    join(benchDir, 'lib', file),
    { PORT: String(port), TARGET_URL: backendUrl },
    { discardStdout: true },
  );
  await waitForReady(`${url}/healthz`, proxy);
  return { url, pid: proxy.child.pid };
}

/** Which optional stages this build of the gateway has, read from its config schema. */
async function gatewayFeatures() {
  const { gatewayConfigSchemaFor } = await import(
    pathToFileURL(join(repoRoot, 'gateway/dist/config.js')).href
  );
  const shape = gatewayConfigSchemaFor({}).shape ?? {};
  return { rateLimit: 'RATE_LIMIT_PER_MINUTE' in shape };
}

/**
 * @param {string} backendUrl
 * @param {string[]} [nodeArgs]
 */
async function startGateway(backendUrl, nodeArgs = []) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const gateway = start(
    'gateway',
    gatewayEntry,
    {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      AUTH_SERVICE_URL: backendUrl,
      USER_SERVICE_URL: backendUrl,
      ORDER_SERVICE_URL: backendUrl,
      INVENTORY_SERVICE_URL: backendUrl,
      REDIS_URL: '',
      CORS_ORIGINS: '',
      // Info-level JSON lines, one per request, written to /dev/null (discardStdout).
      LOG_LEVEL: 'info',
      // The limiter runs on every request but never refuses one.
      RATE_LIMIT_PER_MINUTE: '100000000',
      LOGIN_RATE_LIMIT_PER_MINUTE: '100000000',
    },
    { nodeArgs, discardStdout: true },
  );
  await waitForReady(`${url}/healthz`, gateway);
  return { url, gateway };
}

/**
 * The bench measures nothing if the GET is refused: check both targets answer it first.
 * @param {Partial<Record<Target, string>>} targets base URLs
 * @param {string} token
 */
async function checkTargets(targets, token) {
  for (const [name, base] of Object.entries(targets)) {
    const res = await fetch(`${base}${PATH}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${name}: GET ${PATH} answered ${res.status}`);
  }
  // Every target that checks tokens must refuse a request without one, or it measures less work.
  for (const name of /** @type {const} */ (['gateway', 'fastify'])) {
    if (!targets[name]) continue;
    const anonymous = await fetch(`${targets[name]}${PATH}`, {
      signal: AbortSignal.timeout(5000),
    });
    await anonymous.arrayBuffer();
    if (anonymous.status !== 401) {
      throw new Error(`${name}: GET ${PATH} without a token answered ${anonymous.status}, not 401`);
    }
  }
}

/**
 * @param {string} base
 * @param {string} token
 * @param {number} seconds
 */
const load = (base, token, seconds) =>
  runLoad(settings.loadGenerator, {
    url: `${base}${PATH}`,
    headers: { authorization: `Bearer ${token}` },
    connections: settings.connections,
    seconds,
  });

/**
 * A process's CPU time (user + system) in ms, from /proc (Linux; null elsewhere).
 * CPU per request is steadier than requests/s on a shared machine: another
 * process taking a core lowers the throughput of whichever target runs, but
 * not the work each request costs.
 * @param {number | undefined} pid
 * @returns {number | null}
 */
function cpuMs(pid) {
  try {
    // A missing `) ` throws, as an unreadable file does: no figure.
    const after = /** @type {string} */ (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]);
    const fields = after.split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * @param {number} n
 * @param {number} [digits]
 */
const round = (n, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);
/** @param {number[]} values never empty (BENCH_ROUNDS is at least 1) */
const median = (values) => {
  const sorted = /** @type {number[]} */ ([...values].sort((a, b) => a - b));
  const middle = Math.floor(sorted.length / 2);
  const at = (/** @type {number} */ i) => /** @type {number} */ (sorted[i]);
  return sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
};

/** @param {number | null} loadBefore */
function environment(loadBefore) {
  return {
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model,
    // 1-minute load average: other work on the machine skews every figure here.
    loadAverage: { before: loadBefore, after: round(loadavg()[0] ?? Number.NaN) },
  };
}

/** @param {Awaited<ReturnType<typeof gatewayFeatures>>} features */
function describeFeatures(features) {
  return [
    'edge JWT (ES256, verified-token cache)',
    'user status (LRU; user-service on a miss)',
    features.rateLimit
      ? 'rate limit (memory store, never refusing)'
      : 'rate limit: NOT IN THIS BUILD',
    'request id + traceparent',
    'header rewriting',
    'metrics (prom-client)',
    'one info JSON log line per request (to /dev/null)',
  ].join(', ');
}

/** @param {Comparison} result */
function printComparison(result) {
  const { runs, summary, features, environment: env } = result;
  const ms = (/** @type {number} */ n) => String(round(n)).padStart(8);
  /**
   * @param {string} label
   * @param {string} target
   * @param {Figures} r
   */
  const row = (label, target, r) =>
    `  ${label.padEnd(7)}${target.padEnd(9)}${String(Math.round(r.rps)).padStart(8)}${ms(r.p50)}${ms(r.p99)}` +
    `${String(r.cpuUsPerRequest === null ? '-' : Math.round(r.cpuUsPerRequest)).padStart(8)}` +
    `${String(r.non2xx).padStart(9)}${String(r.errors).padStart(8)}`;
  const met = (/** @type {boolean} */ ok) => (ok ? 'met' : 'MISSED');
  const lines = [
    '',
    `Gateway vs bare node:http proxy and fastify peer: GET ${PATH} with a bearer token`,
    `  ${settings.loadGenerator}, ${settings.connections} connections, ${settings.rounds} rounds × ${settings.seconds} s per target, ` +
      `alternating, after ${settings.warmupSeconds} s warm-up each (${env.cpus} CPUs)`,
    `  gateway: ${describeFeatures(features)}`,
    '  fastify: fastify 5, @fastify/http-proxy (undici), @fastify/jwt (ES256, fast-jwt cache), ' +
      '@fastify/rate-limit (memory, never refusing), prom-client histogram, one pino info line per request',
    '',
    '  round  target      req/s  p50 ms  p99 ms  CPU µs  non-2xx  errors',
    ...runs.map((r) => row(String(r.round), r.target, r)),
    row('median', 'bare', summary.bare),
    row('median', 'fastify', summary.fastify),
    row('median', 'gateway', summary.gateway),
    '',
    `  gateway ÷ fastify peer: req/s ${round(summary.peerRatio)} (goal ≥ ${GOAL.peerRatio}: ${met(summary.peerRatio >= GOAL.peerRatio)})`,
    `  gateway ÷ bare proxy: req/s ${round(summary.ratio)} (goal ≥ ${GOAL.ratio}: ${met(summary.ratio >= GOAL.ratio)}), ` +
      `p99 ${round(summary.p99Factor)}× (goal ≤ ${GOAL.p99Factor}×: ${met(summary.p99Factor <= GOAL.p99Factor)})`,
    ...(summary.cpuFactor === null
      ? []
      : [
          `  CPU per request (the proxy process alone): gateway ${Math.round(Number(summary.gateway.cpuUsPerRequest))} µs, ` +
            `bare ${Math.round(Number(summary.bare.cpuUsPerRequest))} µs, ${round(summary.cpuFactor)}×`,
        ]),
    `  load average ${env.loadAverage.before} before, ${env.loadAverage.after} after`,
    '',
  ];
  if (runs.some((r) => r.non2xx > 0 || r.errors > 0)) {
    lines.push('  WARNING: some requests failed; the figures above are not comparable.', '');
  }
  const busiest = Math.max(env.loadAverage.before ?? 0, env.loadAverage.after ?? 0);
  if (busiest > env.cpus) {
    lines.push(
      `  NOTE: load average ${busiest} on ${env.cpus} CPUs: other work shared the machine. ` +
        'req/s and p99 suffer most; the CPU µs per request is the steadier figure.',
      '',
    );
  }
  process.stdout.write(lines.join('\n'));
}

/**
 * @param {string} prefix
 * @param {object} result
 */
function save(prefix, result) {
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`Saved ${file}\n`);
  return file;
}

/**
 * @typedef {'bare' | 'fastify' | 'gateway'} Target
 * @typedef {Omit<import('./lib/load-generator.mjs').LoadResult, 'requests' | 'seconds' | 'max'> & { cpuUsPerRequest: number | null }} Figures
 * @typedef {import('./lib/load-generator.mjs').LoadResult & { round: number; target: Target; cpuUsPerRequest: number | null }} Run
 * @typedef {Record<Target, Figures> & { ratio: number; peerRatio: number; p99Factor: number; cpuFactor: number | null }} Summary
 * @typedef {{ runs: Run[]; summary: Summary; features: Awaited<ReturnType<typeof gatewayFeatures>>; environment: ReturnType<typeof environment> }} Comparison
 */

async function compare() {
  const backend = await startBackend();
  const bare = await startProxy('bare-proxy', 'bare-proxy.mjs', backend.url);
  const fastify = await startProxy('fastify-peer', 'fastify-peer.mjs', backend.url);
  const { url: gateway, gateway: gatewayService } = await startGateway(backend.url);
  const targets = { bare: bare.url, fastify: fastify.url, gateway };
  const pids = { bare: bare.pid, fastify: fastify.pid, gateway: gatewayService.child.pid };
  await checkTargets(targets, backend.token);
  const features = await gatewayFeatures();
  const loadBefore = round(loadavg()[0] ?? Number.NaN);

  if (settings.warmupSeconds > 0) {
    process.stderr.write(`warm-up: ${settings.warmupSeconds} s on each target…\n`);
    for (const base of Object.values(targets)) {
      await load(base, backend.token, settings.warmupSeconds);
    }
  }
  /** @type {Run[]} */
  const runs = [];
  for (let r = 1; r <= settings.rounds; r += 1) {
    // ABCCBA order: a drift in the machine's load falls on every target alike.
    /** @type {Target[]} */
    const order = r % 2 === 1 ? ['bare', 'fastify', 'gateway'] : ['gateway', 'fastify', 'bare'];
    for (const target of order) {
      process.stderr.write(`round ${r}/${settings.rounds}: ${target} for ${settings.seconds} s…\n`);
      const cpuBefore = cpuMs(pids[target]);
      const figures = await load(targets[target], backend.token, settings.seconds);
      const cpuAfter = cpuMs(pids[target]);
      const cpuUsPerRequest =
        cpuBefore === null || cpuAfter === null
          ? null
          : ((cpuAfter - cpuBefore) * 1000) / figures.requests;
      runs.push({ round: r, target, ...figures, cpuUsPerRequest });
    }
  }
  /**
   * @param {Target} target
   * @returns {Figures}
   */
  const of = (target) => {
    const mine = runs.filter((r) => r.target === target);
    /** @param {'rps' | 'p50' | 'p90' | 'p99' | 'cpuUsPerRequest'} key */
    const pick = (key) => median(mine.map((r) => /** @type {number} */ (r[key])));
    return {
      rps: pick('rps'),
      p50: pick('p50'),
      p90: pick('p90'),
      p99: pick('p99'),
      cpuUsPerRequest: runs[0]?.cpuUsPerRequest === null ? null : pick('cpuUsPerRequest'),
      non2xx: mine.reduce((n, r) => n + r.non2xx, 0),
      errors: mine.reduce((n, r) => n + r.errors, 0),
    };
  };
  const medians = { bare: of('bare'), fastify: of('fastify'), gateway: of('gateway') };
  /** @type {Summary} */
  const summary = {
    ...medians,
    ratio: medians.gateway.rps / medians.bare.rps,
    peerRatio: medians.gateway.rps / medians.fastify.rps,
    p99Factor: medians.gateway.p99 / medians.bare.p99,
    cpuFactor:
      medians.bare.cpuUsPerRequest === null
        ? null
        : /** @type {number} */ (medians.gateway.cpuUsPerRequest) / medians.bare.cpuUsPerRequest,
  };
  const result = {
    kind: 'gateway-vs-bare-proxy-and-fastify',
    path: PATH,
    settings,
    features,
    environment: environment(loadBefore),
    runs,
    summary,
    goal: GOAL,
  };
  printComparison(result);
  save('gateway', result);
}

async function profile() {
  const profileDir = join(scratch, 'profile');
  const backend = await startBackend();
  const { url, gateway } = await startGateway(backend.url, [
    '--cpu-prof',
    `--cpu-prof-dir=${profileDir}`,
  ]);
  await checkTargets({ gateway: url }, backend.token);
  if (settings.warmupSeconds > 0) await load(url, backend.token, settings.warmupSeconds);
  process.stderr.write(`profiling the gateway under load for ${settings.seconds} s…\n`);
  const figures = await load(url, backend.token, settings.seconds);
  // A clean exit (SIGTERM → graceful shutdown → exit 0) is what writes the profile.
  await gateway.stop();
  const [name] = existsSync(profileDir) ? readdirSync(profileDir) : [];
  if (!name) throw new Error('the gateway wrote no CPU profile');
  const summary = summarizeCpuProfile(join(profileDir, name), repoRoot);

  /**
   * @param {string} title
   * @param {{ name: string; ms: number; percentOfBusy: number }[]} rows
   */
  const table = (title, rows) => [
    `  ${title}`,
    ...rows.map(
      (r) => `  ${String(r.percentOfBusy).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}`,
    ),
    '',
  ];
  process.stdout.write(
    [
      '',
      `Gateway under --cpu-prof: ${Math.round(figures.rps)} req/s, p50 ${round(figures.p50)} ms, p99 ${round(figures.p99)} ms` +
        ` (profiling slows it), ${summary.busyMs} ms busy of ${summary.totalMs} ms`,
      '',
      ...table('self time by function (% of busy time)', summary.selfTime),
      ...table('self time by package', summary.byPackage),
      ...table('inclusive time, gateway and packages/* code', summary.inclusiveOurs),
    ].join('\n'),
  );
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const kept = join(
    resultsDir,
    `gateway-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
  );
  copyFileSync(join(profileDir, name), kept);
  save('gateway-profile', {
    kind: 'gateway-profile',
    settings,
    load: figures,
    ...summary,
    file: kept,
  });
}

try {
  if (!existsSync(gatewayEntry)) {
    throw new Error(
      `${gatewayEntry} is missing: build first (npx tsc -b; the root npm run bench does)`,
    );
  }
  await (profileMode ? profile() : compare());
} catch (error) {
  process.stderr.write(`gateway-bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  await cleanUp();
  clearTimeout(watchdog);
}
