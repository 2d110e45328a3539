import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePortEnv } from './support/port-env.js';

const START = resolve(import.meta.dirname, '..', 'start.mjs');
const READY = 'Portico is running';

describe('scripts/start.mjs with every process running (built code; npm start builds first)', () => {
  let dataDir: string;
  let child: ChildProcess;
  let output = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'portico-start-running-'));
    child = spawn(process.execPath, [START], {
      // A pipe, as under CI: the processes must write JSON.
      env: {
        PATH: process.env.PATH ?? '',
        NO_COLOR: '1',
        DATA_DIR: dataDir,
        ...(await freePortEnv()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    exited = new Promise((done) => child.once('close', done));
    // Bounded by start.mjs itself: it gives up after 60 s without every process ready.
    await Promise.race([
      exited,
      new Promise<void>((done) => {
        const check = () => (output.includes(READY) ? done() : setTimeout(check, 100));
        check();
      }),
    ]);
    if (!output.includes(READY)) throw new Error(`npm start did not get ready:\n${output}`);
    // A clean stop: the consumers' long polls are ended by the drain and logged then.
    child.kill('SIGINT');
    await exited;
  }, 120_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when every process is ready, then the banner is also kept in DATA_DIR/banner.txt, readable by its owner only', () => {
    const banner = readFileSync(join(dataDir, 'banner.txt'), 'utf8');
    const password = readFileSync(join(dataDir, 'admin-password'), 'utf8').trim();

    expect(banner).toContain(READY);
    expect(banner).toContain(`admin@portico.local  /  ${password}`);
    expect(banner).toContain(`This banner is kept in ${join(dataDir, 'banner.txt')}`);
    expect(statSync(join(dataDir, 'banner.txt')).mode & 0o777).toBe(0o600);
    expect(output).toContain(`This banner is kept in ${join(dataDir, 'banner.txt')}`);
  });

  it('when the output is a pipe, then every line a process logs is JSON, and no probe or event-feed long poll is among them at info', () => {
    const logged = output
      .split('\n')
      .map((line) => /^(auth|user|order|inventory|gateway) +\| (.*)$/.exec(line)?.[2])
      .filter((line): line is string => line !== undefined);
    const records = logged.map(
      (line) => JSON.parse(line) as { level: string; req?: { path?: string } },
    );

    const atInfo = records.filter((r) => r.level === 'info');

    expect(atInfo.filter((r) => r.req?.path === '/healthz' || r.req?.path === '/readyz')).toEqual(
      [],
    );
    expect(atInfo.filter((r) => r.req?.path?.startsWith('/internal/v1/events'))).toEqual([]);
    // The processes did log: a silent start would pass the line above for nothing.
    expect(records.filter((r) => (r as { msg?: string }).msg === 'listening')).toHaveLength(5);
  });
});
