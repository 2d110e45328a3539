import { afterEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '@portico/logging';
import { createServiceApp, type ReadinessChecks, type Served, serve } from '../src/index.js';

const logger = createLogger({ service: 'test-service', level: 'silent' });
let served: Served | undefined;

afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function readyz(readiness: ReadinessChecks) {
  const app = createServiceApp({ service: 'test-service', logger, readiness, routes: () => {} });
  served = await serve(app, { port: 0, host: '127.0.0.1', logger, drainMs: 100 });
  // A readiness probe that hangs would be killed by the orchestrator: fail the test instead.
  const res = await fetch(`${served.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json() };
}

describe('/readyz, misbehaving checks', () => {
  it('when a check never settles, then it times out and /readyz answers 503 naming it', async () => {
    const answer = await readyz({
      database: async () => undefined,
      redis: () => new Promise(() => {}),
    });
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({
      status: 'unavailable',
      checks: { database: 'ok', redis: 'unavailable' },
    });
  });

  it('when a check throws before returning a promise, then /readyz answers 503 naming it', async () => {
    const answer = await readyz({
      database: async () => undefined,
      redis: () => {
        throw new Error('client is closed');
      },
    });
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({
      status: 'unavailable',
      checks: { database: 'ok', redis: 'unavailable' },
    });
  });

  it('when there are no checks, then /readyz is 200', async () => {
    const answer = await readyz({});
    expect(answer).toEqual({ status: 200, body: { status: 'ready', checks: {} } });
  });
});
