import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServiceClient, ServiceResponse } from '@portico/http-client';
import { createLogger } from '@portico/logging';
import { Redis } from 'ioredis';
import { createUserStatusCache, type UserStatus } from '../src/user-status-cache.js';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) process.stderr.write('user-status cache Redis suite skipped: REDIS_URL not set.\n');
const describeRedis = redisUrl ? describe : describe.skip;

/**
 * user-service as the cache sees it: each look-up waits until the test answers
 * it, so a test can put an invalidation between the read and the answer.
 */
function controlledUserService() {
  const pending: ((status: 'active' | 'disabled') => void)[] = [];
  let calls = 0;
  const users = {
    async request<T>(): Promise<ServiceResponse<T>> {
      calls += 1;
      const status = await new Promise<'active' | 'disabled'>((resolve) => pending.push(resolve));
      return { status: 200, headers: {}, body: { status } as T };
    },
    close: async () => {},
  } as ServiceClient;
  return {
    users,
    calls: () => calls,
    /** Answers the oldest look-up still waiting. */
    answer: async (status: 'active' | 'disabled') => {
      for (let i = 0; i < 200 && pending.length === 0; i += 1)
        await new Promise((resolve) => setTimeout(resolve, 5));
      pending.shift()!(status);
    },
  };
}

describeRedis('the user status cache on Redis, with an invalidation racing a look-up', () => {
  let redis: Redis;
  const prefix = `usc${Date.now().toString(36)}`;
  beforeAll(() => {
    redis = new Redis(redisUrl!);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const replica = (users: ServiceClient) =>
    createUserStatusCache({
      users,
      redis,
      prefix,
      owner: 'gateway',
      logger: createLogger({ service: 'test', level: 'silent' }),
      ttlSeconds: 60,
      negativeTtlSeconds: 5,
      maxEntries: 100,
    });

  it('when a user is disabled while a replica is looking them up, then no replica is left trusting "active"', async () => {
    const service = controlledUserService();
    const first = replica(service.users);
    const second = replica(service.users);
    const id = 'user-racing-a-disable';

    // The look-up reads "active" from user-service just before the disable commits...
    const inFlight = first.get(id);
    await service.answer('active');
    // ...and the disable's invalidation lands before the look-up has stored it.
    await first.invalidate(id);
    // The look-up that raced the change looks again, and sees the change.
    await service.answer('disabled');
    const seen: UserStatus = await inFlight;
    expect(seen).toBe('disabled');

    expect(await redis.get(`${prefix}:gateway:user-status:${id}`)).not.toBe('active');
    // The other replica asks Redis (or user-service), never an "active" put back by the race.
    const other = second.get(id);
    if (service.calls() > 2) await service.answer('disabled');
    expect(await other).toBe('disabled');
  });

  it('when nothing races, then a look-up is stored in Redis and the next replica needs no look-up', async () => {
    const service = controlledUserService();
    const id = 'user-at-rest';
    const looked = replica(service.users).get(id);
    await service.answer('active');
    expect(await looked).toBe('active');
    for (let i = 0; i < 100; i += 1) {
      if ((await redis.get(`${prefix}:gateway:user-status:${id}`)) === 'active') break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await replica(service.users).get(id)).toBe('active');
    expect(service.calls()).toBe(1);
  });
});
