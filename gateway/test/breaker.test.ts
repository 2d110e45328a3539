import type { ServerResponse } from 'node:http';
import { ConfigError } from '@portico/config';
import { eventually, refusedUrl } from '@portico/test-kit';
import { loadGatewayConfig } from '../src/config.js';
import { CircuitBreaker } from '../src/resilience/circuit-breaker.js';
import type { FakeUpstream } from './support/fake-upstream.js';
import {
  type Reply,
  type RunningGateway,
  send,
  startGateway,
  useUpstreams,
} from './support/gateway-harness.js';
import { registrySample } from './support/registry-sample.js';

const THRESHOLD = 3;
const HALF_OPEN_MS = 200;
const TIMEOUT_MS = 300;
/** No retries, so one request is one upstream call (one counts as one failure). */
const ENV = {
  BREAKER_FAILURE_THRESHOLD: String(THRESHOLD),
  BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_MS),
  UPSTREAM_RETRIES: '0',
  UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
  RATE_LIMIT_PER_MINUTE: '100000',
};
const PRODUCTS = '/api/v1/inventory/products';

const upstreams = useUpstreams();
let gateway: RunningGateway;

// A gateway per test: each starts with every circuit closed.
beforeEach(async () => {
  gateway = await startGateway(upstreams, ENV);
});

afterEach(async () => {
  await gateway.close();
});

const answerWith = (upstream: FakeUpstream, status: number) =>
  upstream.handle((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(`{"status":${status}}`);
  });

const products = (running = gateway) => send(running.url, { path: PRODUCTS });

const isCircuitOpen = (reply: Reply) =>
  reply.status === 503 && reply.json().code === 'UPSTREAM_CIRCUIT_OPEN';

const breakerState = (upstream: string, running = gateway) =>
  registrySample(running.gateway.registry, 'gateway_breaker_state', { upstream });

/** Sends `count` requests one after another; every answer must have `status`. */
async function expectAnswers(count: number, status: number, running = gateway): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    expect((await products(running)).status).toBe(status);
  }
}

async function openInventoryCircuit(): Promise<number> {
  answerWith(upstreams.inventory, 500);
  await expectAnswers(THRESHOLD, 500);
  return Date.now();
}

describe('circuit breaker per upstream', () => {
  it('when an upstream fails BREAKER_FAILURE_THRESHOLD times in a row, then its circuit opens: 503 UPSTREAM_CIRCUIT_OPEN with Retry-After, and the upstream hears nothing more', async () => {
    await openInventoryCircuit();

    const first = await products();
    const second = await products();

    for (const reply of [first, second]) {
      expect(isCircuitOpen(reply)).toBe(true);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reply.headers['retry-after']).toBe('1');
      expect(reply.json().detail).toBe(
        'inventory-service is failing; the gateway is not sending it requests for now.',
      );
    }
    expect(upstreams.inventory.received).toHaveLength(THRESHOLD);
    expect(await breakerState('inventory-service')).toBe(2);
    expect(
      await registrySample(gateway.gateway.registry, 'gateway_breaker_rejections_total', {
        upstream: 'inventory-service',
      }),
    ).toBe(2);
  });

  it('when one upstream’s circuit is open, then the other upstreams still answer', async () => {
    await openInventoryCircuit();
    answerWith(upstreams.order, 200);

    const reply = await send(gateway.url, { token: upstreams.token, path: '/api/v1/orders/1' });

    expect(reply.status).toBe(200);
    expect(upstreams.order.received).toHaveLength(1);
    expect(await breakerState('order-service')).toBe(0);
    expect(await breakerState('inventory-service')).toBe(2);
  });

  it('when BREAKER_HALF_OPEN_AFTER_MS has passed and the trial call succeeds, then the circuit closes', async () => {
    const openedAt = await openInventoryCircuit();
    answerWith(upstreams.inventory, 200);

    let reply = await products();
    expect(isCircuitOpen(reply)).toBe(true);
    await eventually('a trial call', async () => {
      reply = await products();
      return !isCircuitOpen(reply);
    });

    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(HALF_OPEN_MS - 20);
    expect(reply.status).toBe(200);
    expect(upstreams.inventory.received).toHaveLength(THRESHOLD + 1);
    expect(await breakerState('inventory-service')).toBe(0);
    await expectAnswers(2, 200);
    expect(upstreams.inventory.received).toHaveLength(THRESHOLD + 3);
  });

  it('when the trial call fails, then the circuit opens again at once', async () => {
    await openInventoryCircuit();

    let reply = await products();
    await eventually('a trial call', async () => {
      reply = await products();
      return !isCircuitOpen(reply);
    });
    expect(reply.status).toBe(500);

    expect(isCircuitOpen(await products())).toBe(true);
    expect(upstreams.inventory.received).toHaveLength(THRESHOLD + 1);
    expect(await breakerState('inventory-service')).toBe(2);
  });

  it('when the trial call is still in flight, then other requests are refused until it succeeds', async () => {
    await openInventoryCircuit();
    let held: ServerResponse | undefined;
    upstreams.inventory.handle((_req, res) => {
      held = res;
    });
    await new Promise((resolve) => setTimeout(resolve, HALF_OPEN_MS + 30));

    const trial = products();
    await eventually('the trial to reach the upstream', () => held !== undefined);
    const meanwhile = await products();

    expect(isCircuitOpen(meanwhile)).toBe(true);
    expect(meanwhile.headers['retry-after']).toBe('1');
    expect(await breakerState('inventory-service')).toBe(1);
    held!.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    expect((await trial).status).toBe(200);
    answerWith(upstreams.inventory, 200);
    await expectAnswers(1, 200);
    expect(upstreams.inventory.received).toHaveLength(THRESHOLD + 2);
  });

  it('when an answer under 500 comes between failures, then the count of failures starts again', async () => {
    answerWith(upstreams.inventory, 500);
    await expectAnswers(THRESHOLD - 1, 500);
    answerWith(upstreams.inventory, 404);
    await expectAnswers(1, 404);
    answerWith(upstreams.inventory, 500);
    await expectAnswers(THRESHOLD - 1, 500);

    expect(await breakerState('inventory-service')).toBe(0);
    await expectAnswers(1, 500);
    expect(isCircuitOpen(await products())).toBe(true);
  });

  it('when an upstream answers a flood of 4xx or of 503 with Retry-After (shedding load), then none counts and the circuit stays closed', async () => {
    answerWith(upstreams.inventory, 429);
    await expectAnswers(THRESHOLD * 2, 429);
    upstreams.inventory.handle((_req, res) => {
      res
        .writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' })
        .end('{"status":503,"code":"AUTH_BUSY"}');
    });
    await expectAnswers(THRESHOLD * 2, 503);

    expect(await breakerState('inventory-service')).toBe(0);
    expect(upstreams.inventory.received).toHaveLength(THRESHOLD * 4);
    answerWith(upstreams.inventory, 200);
    await expectAnswers(1, 200);
  });

  it('when an upstream refuses connections, then each refusal counts and the circuit opens', async () => {
    const down = await startGateway(upstreams, {
      ...ENV,
      INVENTORY_SERVICE_URL: await refusedUrl(),
    });
    try {
      await expectAnswers(THRESHOLD, 502, down);
      expect(isCircuitOpen(await products(down))).toBe(true);
      expect(await breakerState('inventory-service', down)).toBe(2);
    } finally {
      await down.close();
    }
  });

  it('when an upstream keeps timing out, then each timeout counts and the circuit opens', async () => {
    upstreams.inventory.handle((_req, res) => {
      const timer = setTimeout(() => res.end('too late'), 5_000);
      res.on('close', () => clearTimeout(timer));
    });

    await expectAnswers(THRESHOLD, 504);

    expect(isCircuitOpen(await products())).toBe(true);
    expect(upstreams.inventory.received).toHaveLength(THRESHOLD);
  });

  it('when the circuit opens between retries, then retrying stops and the last answer is passed through', async () => {
    const retrying = await startGateway(upstreams, {
      ...ENV,
      BREAKER_FAILURE_THRESHOLD: '2',
      UPSTREAM_RETRIES: '2',
    });
    try {
      answerWith(upstreams.inventory, 503);

      const reply = await products(retrying);

      expect(reply.status).toBe(503);
      expect(reply.json()).toEqual({ status: 503 });
      expect(upstreams.inventory.received).toHaveLength(2);
      expect(isCircuitOpen(await products(retrying))).toBe(true);
    } finally {
      await retrying.close();
    }
  });
});

describe('CircuitBreaker on a frozen clock', () => {
  let now = 0;
  const make = () =>
    new CircuitBreaker({
      failureThreshold: 2,
      halfOpenAfterMs: 10_000,
      trialTimeoutMs: 5_000,
      now: () => now,
    });

  beforeEach(() => {
    now = 0;
  });

  it('when it has been open a while, then Retry-After counts down the seconds to the trial', () => {
    const breaker = make();
    breaker.failed({});
    breaker.failed({});

    expect(breaker.admit({})).toBe(false);
    expect(breaker.retryAfterSeconds()).toBe(10);
    now = 7_500;
    expect(breaker.retryAfterSeconds()).toBe(3);
  });

  it('when a trial never reports, then another trial may go after trialTimeoutMs', () => {
    const breaker = make();
    breaker.failed({});
    breaker.failed({});
    now = 10_000;
    const lost = {};

    expect(breaker.admit(lost)).toBe(true);
    expect(breaker.admit({})).toBe(false);
    now = 15_000;
    const next = {};
    expect(breaker.admit(next)).toBe(true);
    breaker.succeeded(lost);
    expect(breaker.state).toBe('half-open');
    breaker.succeeded(next);
    expect(breaker.state).toBe('closed');
  });

  it('when a call that started before the circuit opened reports late, then it changes nothing', () => {
    const breaker = make();
    const early = {};
    breaker.admit(early);
    breaker.failed({});
    breaker.failed({});
    now = 10_000;
    breaker.admit({});

    breaker.succeeded(early);
    breaker.failed(early);

    expect(breaker.state).toBe('half-open');
  });
});

describe('breaker configuration', () => {
  it('when nothing is set, then a circuit opens after 5 failures and tries again after 10 s', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      BREAKER_FAILURE_THRESHOLD: 5,
      BREAKER_HALF_OPEN_AFTER_MS: 10_000,
    });
  });

  it.each([
    ['BREAKER_FAILURE_THRESHOLD', '0'],
    ['BREAKER_HALF_OPEN_AFTER_MS', 'soon'],
  ])('when %s is %s, then loading fails naming it', (name, value) => {
    expect(() => loadGatewayConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ [name]: value })).toThrow(name);
  });
});
