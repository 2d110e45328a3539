import { createServer } from 'node:http';
import { eventually, type Listening, listenLocally } from '@portico/test-kit';
import {
  type RunningGateway,
  send,
  startGateway,
  useUpstreams,
} from './support/gateway-harness.js';
import { registrySample } from './support/registry-sample.js';
import { upstreamsYaml, useRoutesFiles } from './support/routes-files.js';

/** A replica of the inventory service that can die and come back on the same port. */
type Replica = {
  name: string;
  url: string;
  hits: number;
  stop: () => Promise<void>;
  start: () => Promise<void>;
};

async function startReplica(name: string): Promise<Replica> {
  let listening: Listening | undefined;
  const replica: Replica = {
    name,
    url: '',
    hits: 0,
    start: async () => {
      const server = createServer((req, res) => {
        if (req.url !== '/healthz') replica.hits += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(`{"replica":"${name}"}`);
      });
      // A restarted replica comes back on the port it had.
      listening = await listenLocally(server, listening?.port ?? 0);
      replica.url = listening.url;
    },
    stop: async () => {
      await listening?.close();
    },
  };
  await replica.start();
  return replica;
}

const upstreams = useUpstreams();
const files = useRoutesFiles();
let a: Replica;
let b: Replica;
let gateway: RunningGateway;

beforeAll(async () => {
  [a, b] = await Promise.all([startReplica('a'), startReplica('b')]);
  const file = files.write(
    'replicas.yaml',
    `upstreams:\n${upstreamsYaml({ 'inventory-service': [a.url, b.url] })}
routes:
  - prefix: /api/v1/inventory
    upstream: inventory-service
    access: public
`,
  );
  gateway = await startGateway(upstreams, {
    GATEWAY_ROUTES_FILE: file,
    BREAKER_FAILURE_THRESHOLD: '2',
    BREAKER_HALF_OPEN_AFTER_MS: '300',
    RATE_LIMIT_PER_MINUTE: '100000',
  });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

const products = () => send(gateway.url, { path: '/api/v1/inventory/products' });

/** Sends `count` requests one after another; every one must be answered 200. */
async function expectAnswered(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) expect((await products()).status).toBe(200);
}

const hits = () => [a.hits, b.hits];
const resetHits = () => {
  a.hits = 0;
  b.hits = 0;
};
const breakerOf = (replica: Replica) =>
  registrySample(gateway.gateway.registry, 'gateway_breaker_state', {
    upstream: `inventory-service@${new URL(replica.url).host}`,
  });

// In order: the replica that dies in one test comes back in the next.
describe('several URLs for one upstream', () => {
  it('when both replicas are up, then requests alternate between them', async () => {
    resetHits();
    await expectAnswered(10);

    expect(hits()).toEqual([5, 5]);
  });

  it('when both are up, then /readyz lists each endpoint', async () => {
    const reply = await send(gateway.url, { path: '/readyz' });

    expect(reply.status).toBe(200);
    expect(reply.json().checks).toEqual({
      [`inventory-service@${new URL(a.url).host}`]: 'ok',
      [`inventory-service@${new URL(b.url).host}`]: 'ok',
    });
  });

  it('when one replica dies, then every request is still answered and the dead one is ejected', async () => {
    await b.stop();
    resetHits();

    // GET is repeatable: a try refused by the dead replica is retried on the live one.
    await expectAnswered(10);

    expect(a.hits).toBe(10);
    expect(await breakerOf(b)).toBe(2); // open: out of the rotation
    expect(await breakerOf(a)).toBe(0);
    // /readyz answers from a run of the checks at most a moment old: wait for one after the death.
    const dead = `inventory-service@${new URL(b.url).host}`;
    let ready = await send(gateway.url, { path: '/readyz' });
    await eventually('/readyz sees the dead replica', async () => {
      ready = await send(gateway.url, { path: '/readyz' });
      return (
        ready.json().checks !== undefined &&
        (ready.json().checks as Record<string, string>)[dead] !== 'ok'
      );
    });
    expect(ready.status).toBe(200); // one replica is enough to serve
    expect(ready.json().checks).toMatchObject({ [dead]: 'unavailable' });
  });

  it('when the dead replica comes back, then after a trial request it shares the traffic again', async () => {
    await b.start();

    // The ejection lasts BREAKER_HALF_OPEN_AFTER_MS; then one request is its trial.
    await eventually(
      'the returned replica gets a trial request',
      async () => {
        expect((await products()).status).toBe(200);
        return b.hits > 0;
      },
      { timeoutMs: 10_000 },
    );
    expect(await breakerOf(b)).toBe(0);
    resetHits();
    await expectAnswered(10);

    expect(hits()).toEqual([5, 5]);
  });
});
