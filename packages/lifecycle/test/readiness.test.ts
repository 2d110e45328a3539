import { afterEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '@portico/logging';
import {
  createServiceApp,
  READINESS_FRESH_MS,
  type ReadinessChecks,
  type Served,
  serve,
} from '../src/index.js';

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

describe('/readyz under a flood', () => {
  it('when a hundred probes ask at once, then the dependency is checked once, and again only once the answer is stale', async () => {
    const probes = 100;
    let checked = 0;
    let up = true;
    // The first check stays in flight until every probe has reached the app,
    // so the test is bound by events, not by how fast a loaded machine sends.
    let arrived = 0;
    let release!: () => void;
    let firstCheck: Promise<void> | undefined = new Promise((resolve) => {
      release = resolve;
    });
    const app = createServiceApp({
      service: 'test-service',
      logger,
      readiness: {
        database: async () => {
          checked += 1;
          await firstCheck;
          if (!up) throw new Error('down');
        },
      },
      routes: () => {},
    });
    served = await serve(
      (req, res) => {
        app(req, res);
        arrived += 1;
        if (arrived === probes) setImmediate(release);
      },
      { port: 0, host: '127.0.0.1', logger, drainMs: 100 },
    );
    const probe = async () => (await fetch(`${served!.url}/readyz`)).status;

    const statuses = await Promise.all(Array.from({ length: probes }, probe));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(checked).toBe(1);

    firstCheck = undefined;
    up = false;
    await new Promise((resolve) => setTimeout(resolve, READINESS_FRESH_MS + 50));
    expect(await probe()).toBe(503);
    expect(checked).toBe(2);
  });
});
