#!/usr/bin/env node
// Runs all five Portico processes in embedded mode (SQLite files, in-process
// caches, HTTP event feeds): nothing needed but Node. `npm start` builds first.
// Plain Node ESM on purpose: it must run before anything else is installed or built.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES } from './services.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const READY_TIMEOUT_MS = Number(process.env.START_READY_TIMEOUT_MS ?? 60_000);
const POLL_INTERVAL_MS = 250;
const STOP_GRACE_MS = 10_000;
const DEFAULT_ADMIN_EMAIL = 'admin@portico.local';

/** Each process's colour in the console (ANSI SGR codes). */
const COLORS = { auth: 36, user: 32, order: 33, inventory: 35, gateway: 34 };

/** The table of processes (scripts/services.mjs), each with a port this run may move. */
const PROCESSES = SERVICES.map((service) => ({ ...service, color: COLORS[service.name] }));

/**
 * @typedef {(typeof PROCESSES)[number]} Proc
 * @typedef {ReturnType<typeof adminLogin>} Admin
 */

const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (/** @type {number} */ code, /** @type {string} */ text) =>
  useColor ? `\x1b[${code}m${text}\x1b[0m` : text;
const width = Math.max(...PROCESSES.map((p) => p.name.length));
const say = (/** @type {string} */ message) =>
  process.stdout.write(`${paint(1, 'portico'.padEnd(width))} | ${message}\n`);

const host = process.env.HOST || '127.0.0.1';
/** Where this script (and the processes) reach a process listening on `host`. */
const reachHost = ['0.0.0.0', '::', '[::]'].includes(host) ? '127.0.0.1' : host;
const urlOf = (/** @type {number} */ port) =>
  `http://${reachHost.includes(':') ? `[${reachHost}]` : reachHost}:${port}`;
const dataDir = resolve(process.env.DATA_DIR || join(ROOT, 'data'));
const lockFile = join(dataDir, 'start.lock');

/** Each process's port: its `portVar` if set (a whole number 1–65535), else the default. */
function applyPorts() {
  for (const proc of PROCESSES) {
    const given = process.env[proc.portVar];
    if (given === undefined || given === '') continue;
    const port = Number(given);
    if (!/^\d+$/.test(given) || port < 1 || port > 65535) {
      say(`${proc.portVar} must be a port number 1–65535, got "${given}"`);
      process.exit(1);
    }
    proc.port = port;
  }
  const seen = new Map();
  for (const proc of PROCESSES) {
    const other = seen.get(proc.port);
    if (other) {
      say(`${other.portVar} and ${proc.portVar} are both ${proc.port}; give each its own port`);
      process.exit(1);
    }
    seen.set(proc.port, proc);
  }
}

/** LOG_FORMAT, if set, is one the processes take: refused here in one line, not in five stack traces. */
function checkLogFormat() {
  const given = process.env.LOG_FORMAT;
  if (given && !['pretty', 'json'].includes(given)) {
    say(`LOG_FORMAT must be pretty or json, got "${given}"`);
    process.exit(1);
  }
}

/**
 * Resolves to the error code if `port` cannot be bound on `host` (EADDRINUSE, EACCES), else null.
 * @param {number} port
 * @returns {Promise<string | null>}
 */
function bindError(port) {
  return new Promise((resolveCheck) => {
    const probe = createServer();
    probe.once('error', (/** @type {NodeJS.ErrnoException} */ error) =>
      resolveCheck(error.code ?? 'error'),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolveCheck(null)));
  });
}

/**
 * Refuses to start while any port is taken: otherwise a second `npm start` would
 * find the first one's processes ready and print their banner, then crash (issue 14).
 */
async function checkPorts() {
  for (const proc of PROCESSES) {
    const code = await bindError(proc.port);
    if (code === null) continue;
    const why = code === 'EADDRINUSE' ? 'is in use' : `cannot be bound (${code})`;
    say(
      `port ${proc.port} for ${proc.name} ${why}; stop what holds it, or move ${proc.name} with ${proc.portVar}=<port>`,
    );
    process.exit(1);
  }
}

const isRunning = (/** @type {number} */ pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

/**
 * One `npm start` per DATA_DIR: two would share its SQLite files. The lock holds
 * our pid; a lock whose pid is dead is left from a crash and taken over.
 */
function takeLock() {
  for (;;) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      process.on('exit', releaseLock);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
      say(
        `another npm start (pid ${holder}) is using DATA_DIR ${dataDir}; stop it, or give this one its own DATA_DIR`,
      );
      process.exit(1);
    }
    rmSync(lockFile, { force: true });
  }
}

function releaseLock() {
  try {
    if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) rmSync(lockFile);
  } catch {
    // Already gone: nothing to release.
  }
}

/** The demo admin: given by the environment, or generated once and kept in DATA_DIR. */
function adminLogin() {
  const email = process.env.ADMIN_EMAIL || DEFAULT_ADMIN_EMAIL;
  if (process.env.ADMIN_PASSWORD)
    return { email, password: process.env.ADMIN_PASSWORD, given: true };
  const file = join(dataDir, 'admin-password');
  if (!existsSync(file)) {
    const password = randomBytes(18).toString('base64url');
    writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return { email, password: readFileSync(file, 'utf8').trim(), given: false, file };
}

/**
 * @param {Proc} proc
 * @param {Admin} admin
 */
function childEnv(proc, admin) {
  const gateway = urlOf(/** @type {Proc} */ (PROCESSES.find((p) => p.name === 'gateway')).port);
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    // Tokens name the gateway as issuer, and discovery documents its URL: both follow GATEWAY_PORT.
    TOKEN_ISSUER: gateway,
    PUBLIC_BASE_URL: gateway,
    ...process.env,
    PORT: String(proc.port),
    HOST: host,
    DATA_DIR: dataDir,
    SEED_DEMO_DATA: process.env.SEED_DEMO_DATA ?? '1',
  };
  // The processes write to our pipes, so they cannot see the terminal we write to:
  // tell them, and they log readable lines instead of JSON (issue 14).
  if (!env.LOG_FORMAT && process.stdout.isTTY && env.NODE_ENV !== 'production')
    env.LOG_FORMAT = 'pretty';
  // The processes started here are the ones to talk to, whatever the shell had set.
  for (const other of PROCESSES) if (other.urlVar) env[other.urlVar] = urlOf(other.port);
  // One database per service: never let a global DATABASE_URL make them share one.
  delete env.DATABASE_URL;
  if (proc.databaseVar && process.env[proc.databaseVar])
    env.DATABASE_URL = process.env[proc.databaseVar];
  // Only auth-service creates the admin; the others have no business with its password.
  delete env.ADMIN_EMAIL;
  delete env.ADMIN_PASSWORD;
  if (proc.name === 'auth') {
    env.ADMIN_EMAIL = admin.email;
    env.ADMIN_PASSWORD = admin.password;
  }
  return env;
}

/**
 * Copies a child's stream to ours line by line, each line prefixed with its name.
 * @param {import('node:stream').Readable} stream
 * @param {string} prefix
 * @param {NodeJS.WritableStream} out
 */
function prefixLines(stream, prefix, out) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (/** @type {string} */ chunk) => {
    const lines = (pending + chunk).split('\n');
    // split gives at least one element: the unfinished line.
    pending = /** @type {string} */ (lines.pop());
    for (const line of lines) out.write(`${prefix} | ${line}\n`);
  });
  stream.on('end', () => {
    if (pending) out.write(`${prefix} | ${pending}\n`);
  });
}

/** @type {Map<string, { proc: Proc; child: import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, import('node:stream').Readable>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }>} */
const children = new Map();
let stopping = false;

/**
 * @param {Proc} proc
 * @param {Admin} admin
 */
function start(proc, admin) {
  const entry = join(ROOT, proc.dir, 'dist', 'server.js');
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: childEnv(proc, admin),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = paint(proc.color, proc.name.padEnd(width));
  prefixLines(child.stdout, prefix, process.stdout);
  prefixLines(child.stderr, prefix, process.stderr);
  /** @type {Promise<{ code: number | null; signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolveExit) => {
    // 'close', not 'exit': it comes after the child's output has been copied out.
    child.once('close', (code, signal) => resolveExit({ code, signal }));
    child.once('error', (error) => {
      say(`${proc.name} could not start: ${error.message}`);
      resolveExit({ code: 1, signal: null });
    });
  });
  children.set(proc.name, { proc, child, exited });
  exited.then(({ code, signal }) => {
    if (stopping) return;
    say(`${paint(31, `${proc.name} exited`)} (${signal ?? `code ${code}`}); stopping everything`);
    void stopAll(code === 0 ? 1 : (code ?? 1));
  });
}

/**
 * SIGTERM to every child still running, SIGKILL to any that outlives the grace period.
 * @param {number} exitCode
 */
async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  const running = [...children.values()].filter(
    ({ child }) => child.exitCode === null && child.signalCode === null,
  );
  for (const { child } of running) child.kill('SIGTERM');
  const killer = setTimeout(() => {
    for (const { proc, child } of running) {
      if (child.exitCode === null && child.signalCode === null) {
        say(`${proc.name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
        child.kill('SIGKILL');
      }
    }
  }, STOP_GRACE_MS);
  await Promise.all(running.map(({ exited }) => exited));
  clearTimeout(killer);
  process.exit(exitCode);
}

/** @param {number} port */
async function isReady(port) {
  try {
    const response = await fetch(`${urlOf(port)}/readyz`, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Resolves when every process answers /readyz with 200; false if time runs out or we stop. */
async function waitUntilReady() {
  const waiting = new Set(PROCESSES.map((p) => p.name));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (waiting.size > 0 && !stopping) {
    if (Date.now() > deadline) {
      say(paint(31, `not ready after ${READY_TIMEOUT_MS / 1000} s: ${[...waiting].join(', ')}`));
      return false;
    }
    await Promise.all(
      PROCESSES.filter((p) => waiting.has(p.name)).map(async (p) => {
        if (await isReady(p.port)) {
          waiting.delete(p.name);
          say(`${p.name} is ready`);
        }
      }),
    );
    if (waiting.size > 0) await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
  return !stopping;
}

/**
 * The ready banner, also kept in DATA_DIR (0600: it holds the admin password) so
 * it can be found again after the logs have scrolled it away (issue 14).
 * @param {Admin} admin
 */
function printWelcome(admin) {
  const gateway = urlOf(/** @type {Proc} */ (PROCESSES.find((p) => p.name === 'gateway')).port);
  const password = admin.given ? '(the ADMIN_PASSWORD you set)' : admin.password;
  const body = JSON.stringify({ email: admin.email, password: admin.given ? '…' : admin.password });
  const bannerFile = join(dataDir, 'banner.txt');
  const lines = [
    'Portico is running (embedded mode).',
    `  Gateway   ${gateway}`,
    `  API docs  ${gateway}/docs      (Authorize logs in through the hosted page)`,
    `  Demo app  ${gateway}/demo/     (a browser app: log in, order, log out)`,
    `  Admin     ${admin.email}  /  ${password}`,
    ...(admin.file ? [`            (password kept in ${admin.file})`] : []),
    `  Data      ${dataDir}`,
    '',
    '  Log in as the admin:',
    `    curl -s -X POST ${gateway}/api/v1/auth/login \\`,
    `      -H 'content-type: application/json' -d '${body}'`,
    '',
    `  This banner is kept in ${bannerFile}.`,
    '  Ctrl-C stops everything.',
  ];
  writeFileSync(bannerFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  chmodSync(bannerFile, 0o600);
  // A file rather than a key press to show it again: reading the terminal would
  // stop a backgrounded `npm start &` (SIGTTIN) and everything it started.
  const [title, ...rest] = lines;
  process.stdout.write(`\n${paint(1, /** @type {string} */ (title))}\n${rest.join('\n')}\n\n`);
}

async function main() {
  applyPorts();
  checkLogFormat();
  mkdirSync(dataDir, { recursive: true });
  takeLock();
  await checkPorts();
  const missing = PROCESSES.filter((p) => !existsSync(join(ROOT, p.dir, 'dist', 'server.js')));
  if (missing.length > 0) {
    say(
      `not built: ${missing.map((p) => p.dir).join(', ')}; run \`npm run build\` (npm start does)`,
    );
    process.exit(1);
  }
  const admin = adminLogin();

  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  process.stdout.on('error', () => {});

  for (const proc of PROCESSES) start(proc, admin);
  waitUntilReady().then((ready) => {
    if (ready) printWelcome(admin);
    else void stopAll(1);
  });
}

void main();
