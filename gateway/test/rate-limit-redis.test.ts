import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { eventually, freePort } from '@portico/test-kit';
import { Redis } from 'ioredis';
import { REDIS_KEY_PREFIX } from '../src/limits/rate-limit.js';
import {
  type Reply,
  type RunningGateway,
  send,
  startGateway,
  useUpstreams,
} from './support/gateway-harness.js';
import { gatewaySample } from './support/metrics-text.js';

const sharedRedisUrl = process.env.REDIS_URL;
if (!sharedRedisUrl) {
  console.info(
    'Redis tests of the gateway rate limits skipped: set REDIS_URL ' +
      '(e.g. redis://127.0.0.1:6379) to run them.',
  );
}
const describeRedis = sharedRedisUrl ? describe : describe.skip;

const remainingOf = (reply: Reply) =>
  Number(/remaining=(\d+)/.exec(String(reply.headers.ratelimit))?.[1]);

/** Waits until the gateway's `/metrics` says its rate limits count in `store`. */
const countsIn = (gateway: RunningGateway, store: 'redis' | 'memory', timeoutMs = 5_000) =>
  eventually(
    `rate limits in ${store}`,
    async () => (await gatewaySample(gateway.url, 'gateway_rate_limit_store', { store })) === 1,
    { timeoutMs },
  );

async function sendMany(count: number, request: (index: number) => Promise<Reply>) {
  const replies: Reply[] = [];
  for (let i = 0; i < count; i += 1) replies.push(await request(i));
  return replies;
}

const upstreams = useUpstreams({ keepReceived: true });

describeRedis('rate limits shared through Redis', () => {
  const LIMIT = 6;
  let redis: Redis;
  let first: RunningGateway;
  let second: RunningGateway;
  /** Every key these tests make: deleted afterwards, nothing else is touched. */
  const keys: string[] = [];

  beforeAll(async () => {
    redis = new Redis(sharedRedisUrl!, { maxRetriesPerRequest: 1 });
    const env = {
      REDIS_URL: sharedRedisUrl!,
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      LOGIN_RATE_LIMIT_PER_MINUTE: '3',
    };
    first = await startGateway(upstreams, env);
    second = await startGateway(upstreams, env);
    await countsIn(first, 'redis');
    await countsIn(second, 'redis');
  });

  afterAll(async () => {
    await first.close();
    await second.close();
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('when a user sends requests through two gateways, then together they allow the limit once', async () => {
    const sub = randomUUID();
    keys.push(`${REDIS_KEY_PREFIX}api:user:${sub}`);
    const auth = await upstreams.bearer(sub);
    const before = upstreams.order.received.length;

    const replies = await sendMany(LIMIT + 4, (i) =>
      send((i % 2 === 0 ? first : second).url, { path: '/api/v1/orders', headers: auth }),
    );

    expect(replies.map((reply) => reply.status)).toEqual([
      ...Array(LIMIT).fill(200),
      ...Array(4).fill(429),
    ]);
    expect(replies.slice(0, LIMIT).map(remainingOf)).toEqual([5, 4, 3, 2, 1, 0]);
    expect(replies[LIMIT]!.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(upstreams.order.received.length - before).toBe(LIMIT);
    const ttl = await redis.pttl(`${REDIS_KEY_PREFIX}api:user:${sub}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('when one email is tried through two gateways, then the login limit is shared too', async () => {
    // A random loopback address: anonymous counts on a shared Redis must not meet other runs'.
    const from = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.9`;
    const email = `${randomUUID()}@example.com`;
    keys.push(`${REDIS_KEY_PREFIX}login:${from}|${email}`, `${REDIS_KEY_PREFIX}api:ip:${from}`);

    const replies = await sendMany(4, (i) =>
      send((i % 2 === 0 ? first : second).url, {
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'x' }),
        localAddress: from,
      }),
    );

    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 429]);
    expect(replies[3]!.json()).toMatchObject({ code: 'LOGIN_RATE_LIMITED' });
  });
});

/** A throwaway redis-server (no persistence) on `port`, ready to accept connections. */
async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start: ${output}`)),
      5_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return child;
}

async function stopRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describeRedis('rate limits when Redis fails', () => {
  const LIMIT = 1000;
  let port: number;
  let redisServer: ChildProcess;
  let gateway: RunningGateway;
  let env: Record<string, string>;

  const fallbacks = async () =>
    (await gatewaySample(gateway.url, 'gateway_rate_limit_store_fallbacks_total')) ?? 0;

  beforeAll(async () => {
    port = await freePort();
    redisServer = await startRedisServer(port);
    env = { REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_PER_MINUTE: String(LIMIT) };
    gateway = await startGateway(upstreams, env);
    await countsIn(gateway, 'redis');
  });

  afterAll(async () => {
    await gateway.close();
    await stopRedisServer(redisServer);
  });

  it('when Redis dies during traffic, then every request is still served and the fallback is counted; when it is back, counts are shared again', async () => {
    const auth = await upstreams.bearer();
    const statuses: number[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        const reply = await send(gateway.url, { path: '/api/v1/orders', headers: auth });
        statuses.push(reply.status);
      }
    };
    const clients = [client(), client(), client(), client()];
    await eventually('traffic through Redis', async () => statuses.length >= 20);

    await stopRedisServer(redisServer);
    const atKill = statuses.length;
    await eventually('traffic after the kill', async () => statuses.length >= atKill + 100);
    running = false;
    await Promise.all(clients);

    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(await fallbacks()).toBe(1);
    await countsIn(gateway, 'memory');

    redisServer = await startRedisServer(port);
    // ioredis reconnects with backoff (at most 2 s between tries), then the store reloads its scripts.
    await countsIn(gateway, 'redis', 10_000);

    const other = await startGateway(upstreams, env);
    try {
      await countsIn(other, 'redis');
      const user = await upstreams.bearer();
      await sendMany(3, () => send(gateway.url, { path: '/api/v1/orders', headers: user }));
      const throughOther = await send(other.url, { path: '/api/v1/orders', headers: user });
      expect(throughOther.status).toBe(200);
      expect(remainingOf(throughOther)).toBe(LIMIT - 4);
    } finally {
      await other.close();
    }
  });

  it('when Redis stops answering, then requests wait at most the bound and are counted in memory until it answers again', async () => {
    const auth = await upstreams.bearer();
    // Once through Redis, so the caller's status is cached and only the limiter asks Redis.
    expect((await send(gateway.url, { path: '/api/v1/orders', headers: auth })).status).toBe(200);
    const before = await fallbacks();
    redisServer.kill('SIGSTOP');
    try {
      // Redis stays frozen until `finally`: without the bound these replies would never come.
      const replies = await sendMany(5, () =>
        send(gateway.url, { path: '/api/v1/orders', headers: auth }),
      );
      // A caller nobody has seen: its status look-up in Redis is bounded too.
      const stranger = await send(gateway.url, {
        path: '/api/v1/orders',
        headers: await upstreams.bearer(),
      });

      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
      // The first waits out the 200 ms bound; from then on all count in memory.
      expect(replies.map(remainingOf)).toEqual([999, 998, 997, 996, 995]);
      expect(stranger.status).toBe(200);
      expect(await fallbacks()).toBe(before + 1);
      await countsIn(gateway, 'memory');
    } finally {
      redisServer.kill('SIGCONT');
    }
    // Nothing reconnects here: the periodic probe (every 3 s) finds Redis again.
    await countsIn(gateway, 'redis', 10_000);
  });

  it('when Redis is down as a gateway starts, then it serves with in-process counts and moves to Redis once it is up', async () => {
    await stopRedisServer(redisServer);
    const late = await startGateway(upstreams, env);
    try {
      const reply = await send(late.url, {
        path: '/api/v1/orders',
        headers: await upstreams.bearer(),
      });
      expect(reply.status).toBe(200);
      expect(remainingOf(reply)).toBe(LIMIT - 1);
      await countsIn(late, 'memory');

      redisServer = await startRedisServer(port);

      await countsIn(late, 'redis', 10_000);
      await countsIn(gateway, 'redis', 10_000);
      const user = await upstreams.bearer();
      await send(late.url, { path: '/api/v1/orders', headers: user });
      const throughOther = await send(gateway.url, { path: '/api/v1/orders', headers: user });
      expect(remainingOf(throughOther)).toBe(LIMIT - 2);
    } finally {
      await late.close();
    }
  });
});
