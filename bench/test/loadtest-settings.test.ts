import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { refusedUrl } from '@portico/test-kit';

const BENCH = resolve(import.meta.dirname, '..');

type Settings = Record<string, string | number>;
type SettingsModule = { parseLoadtestSettings: (env: Record<string, string>) => Settings };
// A plain .mjs module (the bench scripts run untranspiled): imported by path, typed here.
const { parseLoadtestSettings } = (await import(
  resolve(BENCH, 'loadtest-settings.mjs')
)) as SettingsModule;

/** Runs `node loadtest.mjs` with only these variables, and waits for it to exit. */
function runLoadtest(env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, [resolve(BENCH, 'loadtest.mjs')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('parseLoadtestSettings', () => {
  it('when nothing is set, then the defaults are used', () => {
    expect(parseLoadtestSettings({ PATH: '/bin' })).toEqual({
      url: 'http://127.0.0.1:8080',
      track: 'none',
      seconds: 20,
      concurrency: 16,
      users: 8,
      loginsPerMinute: 30,
      progressSeconds: 5,
    });
  });

  it('when every setting is given in range, then each is taken, the URL without its trailing slash', () => {
    const settings = parseLoadtestSettings({
      LOADTEST_URL: 'https://gw.example.test:8443/',
      LOADTEST_SECONDS: '300',
      LOADTEST_CONCURRENCY: '1',
      LOADTEST_USERS: '100',
      LOADTEST_LOGINS_PER_MINUTE: '0',
      LOADTEST_PROGRESS_SECONDS: '60',
      LOADTEST_TRACK: 'sse',
    });
    expect(settings).toMatchObject({
      url: 'https://gw.example.test:8443',
      track: 'sse',
      seconds: 300,
      concurrency: 1,
      users: 100,
      loginsPerMinute: 0,
      progressSeconds: 60,
    });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it.each([
    ['LOADTEST_SECONDS', 'abc', 'LOADTEST_SECONDS must be a whole number from 1 to 300, got "abc"'],
    ['LOADTEST_SECONDS', '-5', 'LOADTEST_SECONDS must be a whole number from 1 to 300, got "-5"'],
    ['LOADTEST_SECONDS', '301', 'LOADTEST_SECONDS must be a whole number from 1 to 300, got "301"'],
    ['LOADTEST_CONCURRENCY', '2.5', 'LOADTEST_CONCURRENCY must be a whole number from 1 to 256'],
    ['LOADTEST_CONCURRENCY', '1e2', 'LOADTEST_CONCURRENCY must be a whole number from 1 to 256'],
    ['LOADTEST_USERS', ' 8', 'LOADTEST_USERS must be a whole number from 1 to 100'],
    ['LOADTEST_USERS', '0x10', 'LOADTEST_USERS must be a whole number from 1 to 100'],
    ['LOADTEST_URL', 'ftp://127.0.0.1', 'LOADTEST_URL must be the gateway'],
    ['LOADTEST_URL', '127.0.0.1:8080', 'LOADTEST_URL must be the gateway'],
    [
      'LOADTEST_TRACK',
      'websocket',
      'LOADTEST_TRACK must be one of none, poll, sse, got "websocket"',
    ],
    ['LOADTEST_SECOND', '30', 'LOADTEST_SECOND is not a load test setting; they are LOADTEST_URL,'],
  ])('when %s is "%s", then it is refused naming the variable', (name, value, message) => {
    expect(() => parseLoadtestSettings({ [name]: value })).toThrow(message);
  });
});

describe('npm run loadtest with a bad setting', () => {
  it('when a setting is bad, then it exits 2 with one line on stderr and sends nothing', async () => {
    const run = await runLoadtest({ LOADTEST_CONCURRENCY: '-1' });

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'loadtest: LOADTEST_CONCURRENCY must be a whole number from 1 to 256, got "-1"\n',
    );
  });

  it('when the settings are good but no gateway answers, then it gets past them and says so instead', async () => {
    const run = await runLoadtest({
      LOADTEST_URL: await refusedUrl(),
      LOADTEST_SECONDS: '1',
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /loadtest failed: .*healthz answered ECONNREFUSED: is the gateway running/,
    );
  });
});
