import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, freePort } from '@portico/test-kit';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import { send } from './support/gateway-harness.js';
import { upstreamsYaml, useRoutesFiles } from './support/routes-files.js';

/**
 * The gateway's own entry point (src/server.ts) as one node process, with tsx
 * as its loader (the tsx CLI would put a parent process in between, which
 * SIGHUP would end).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER = join(ROOT, 'gateway/src/server.ts');

const files = useRoutesFiles();
let first: FakeUpstream;
let second: FakeUpstream;

beforeAll(async () => {
  [first, second] = await Promise.all([startFakeUpstream('first'), startFakeUpstream('second')]);
});
afterAll(async () => {
  await Promise.all([first?.close(), second?.close()]);
});

type Gateway = { child: ChildProcess; url: string; output: () => string };

async function spawnGateway(routesFile: string): Promise<Gateway> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      GATEWAY_ROUTES_FILE: routesFile,
      AUTH_SERVICE_URL: first.url,
      USER_SERVICE_URL: first.url,
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

const routesTo = (upstream: 'first' | 'second') => `upstreams:
${upstreamsYaml({ first: first.url, second: second.url })}
routes:
  - prefix: /api/v1/reviews
    upstream: ${upstream}
    access: public
`;

const upstreamOf = async (url: string) =>
  (await send(url, { path: '/api/v1/reviews/1' })).json().upstream;

describe('the gateway process and its routes file', () => {
  it('when the routes file is invalid at start, then the process exits 1 naming the line, without a stack', async () => {
    const file = files.write(
      'bad-at-start.yaml',
      routesTo('first').replace('upstream: first', 'upstream: third'),
    );
    const gateway = await spawnGateway(file);

    const [code] = await once(gateway.child, 'exit');

    expect(code).toBe(1);
    expect(gateway.output()).toContain(
      `${file}:8:15: routes[0].upstream names "third", which is not one of the upstreams (first, second)`,
    );
    expect(gateway.output()).not.toMatch(/^\s+at /m);
  }, 30_000);

  it('when it gets SIGHUP, then it reads the file again; a bad file is logged and the table stays', async () => {
    const file = files.write('reloaded.yaml', routesTo('first'));
    const gateway = await spawnGateway(file);
    try {
      await eventually(
        'the gateway listens',
        () =>
          send(gateway.url, { path: '/healthz' }).then(
            (r) => r.status === 200,
            () => false,
          ),
        { timeoutMs: 20_000 },
      );
      expect(await upstreamOf(gateway.url)).toBe('first');

      files.write('reloaded.yaml', routesTo('second'));
      gateway.child.kill('SIGHUP');
      await eventually(
        'the new table serves',
        async () => (await upstreamOf(gateway.url)) === 'second',
        { timeoutMs: 10_000 },
      );

      files.write('reloaded.yaml', 'routes: [');
      gateway.child.kill('SIGHUP');
      await eventually(
        'the refusal is logged',
        () => gateway.output().includes('routes file refused'),
        { timeoutMs: 10_000 },
      );
      expect(await upstreamOf(gateway.url)).toBe('second');
      expect(gateway.child.exitCode).toBeNull();
    } finally {
      if (gateway.child.exitCode === null) {
        gateway.child.kill('SIGTERM');
        await once(gateway.child, 'exit');
      }
    }
  }, 60_000);
});
