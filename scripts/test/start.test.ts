import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Listening, listenLocally } from '@portico/test-kit';
import { freePortEnv } from './support/port-env.js';

const START = resolve(import.meta.dirname, '..', 'start.mjs');

type Run = { code: number | null; output: string };

/** Runs scripts/start.mjs as `npm start` would, and waits for it to exit. */
function runStart(env: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [START], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.once('error', fail);
    child.once('close', (code) => done({ code, output }));
  });
}

/** Holds `port` on 127.0.0.1, as another program would. */
const hold = (port: number) => listenLocally(createServer(), port);

/** The pid of a process that has exited, so nothing runs under it now. */
function deadPid(): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.once('exit', () => done(child.pid!));
  });
}

describe('scripts/start.mjs before it starts anything', () => {
  let dataDir: string;
  let held: Listening | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'portico-start-'));
  });

  afterEach(async () => {
    await held?.close();
    held = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when a port is taken, then it exits non-zero with one line naming the port and the variable that moves it, starting no process', async () => {
    const ports = await freePortEnv();
    held = await hold(Number(ports.ORDER_SERVICE_PORT));

    const run = await runStart({ ...ports, DATA_DIR: dataDir });

    expect(run.code).not.toBe(0);
    const lines = run.output.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`port ${ports.ORDER_SERVICE_PORT}`);
    expect(lines[0]).toContain('ORDER_SERVICE_PORT=');
    expect(run.output).not.toMatch(/EADDRINUSE|is ready|Portico is running/);
    // Refused before the admin password or anything else was written, and the lock released.
    expect(existsSync(join(dataDir, 'admin-password'))).toBe(false);
    expect(existsSync(join(dataDir, 'start.lock'))).toBe(false);
  });

  it('when another npm start holds DATA_DIR, then it refuses with one line naming its pid and leaves the lock alone', async () => {
    const lock = join(dataDir, 'start.lock');
    writeFileSync(lock, `${process.pid}\n`);

    const run = await runStart({ ...(await freePortEnv()), DATA_DIR: dataDir });

    expect(run.code).not.toBe(0);
    const lines = run.output.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`pid ${process.pid}`);
    expect(lines[0]).toContain('DATA_DIR');
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}\n`);
  });

  it('when the lock in DATA_DIR names a dead pid, then it is taken over, and removed again on exit', async () => {
    const lock = join(dataDir, 'start.lock');
    writeFileSync(lock, `${await deadPid()}\n`);
    // A taken port stops the run right after the lock is taken, before any child starts.
    const ports = await freePortEnv();
    held = await hold(Number(ports.GATEWAY_PORT));

    const run = await runStart({ ...ports, DATA_DIR: dataDir });

    expect(run.code).not.toBe(0);
    expect(run.output).not.toContain('another npm start');
    expect(run.output).toContain('GATEWAY_PORT=');
    expect(existsSync(lock)).toBe(false);
  });

  it('when a port variable is not a port number, then it says so and exits non-zero', async () => {
    const run = await runStart({
      ...(await freePortEnv()),
      GATEWAY_PORT: 'abc',
      DATA_DIR: dataDir,
    });

    expect(run.code).not.toBe(0);
    expect(run.output.trim()).toMatch(/GATEWAY_PORT must be a port number 1–65535, got "abc"$/);
  });

  it('when LOG_FORMAT is neither pretty nor json, then it says so in one line and exits non-zero', async () => {
    const run = await runStart({
      ...(await freePortEnv()),
      LOG_FORMAT: 'fancy',
      DATA_DIR: dataDir,
    });

    expect(run.code).not.toBe(0);
    const lines = run.output.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^portico +\| LOG_FORMAT must be pretty or json, got "fancy"$/);
    expect(existsSync(join(dataDir, 'admin-password'))).toBe(false);
  });
});
