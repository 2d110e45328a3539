import { once } from 'node:events';
import { createServer, type Server, connect as tcpConnect } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '@portico/logging';
import { freePort } from '@portico/test-kit';
import type { Redis } from 'ioredis';
import { connectRedis } from '../src/index.js';

const redisUrl = process.env.REDIS_URL;

/** A logger writing JSON lines into an array, as `level msg`. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const { level, msg } = JSON.parse(line) as { level: string; msg: string };
        lines.push(`${level} ${msg}`);
      }
      done();
    },
  });
  const logger = createLogger({
    service: 'test',
    level: 'info',
    destination: sink,
    format: 'json',
  });
  return { logger, lines };
}

/** Forwards `port` to the test Redis: Redis "comes back" on that port when it starts. */
async function redisOn(port: number): Promise<Server> {
  const target = new URL(redisUrl!);
  const proxy = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 6379), target.hostname);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  proxy.listen(port, '127.0.0.1');
  await once(proxy, 'listening');
  return proxy;
}

let redis: Redis | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  redis?.disconnect();
  proxy?.close();
  redis = undefined;
  proxy = undefined;
});

describe('connectRedis', () => {
  it('when Redis cannot be reached, then a command fails at once (no offline queue) and the outage is one warning', async () => {
    const { logger, lines } = capturedLogger();
    redis = connectRedis(`redis://127.0.0.1:${await freePort()}`, logger);
    // Two failed connects: the second writes no second line.
    await once(redis, 'error');
    await once(redis, 'error');

    await expect(redis.get('key')).rejects.toThrow(/enableOfflineQueue/);
    expect(lines).toEqual(['warn redis unavailable']);
  });

  (redisUrl ? it : it.skip)(
    'when Redis comes back, then the connection reconnects by itself, commands run again and the end of the outage is one line',
    async () => {
      const { logger, lines } = capturedLogger();
      const port = await freePort();
      redis = connectRedis(`redis://127.0.0.1:${port}`, logger);
      await once(redis, 'error');
      proxy = await redisOn(port);
      await once(redis, 'ready');

      expect(await redis.ping()).toBe('PONG');
      expect(lines).toEqual(['warn redis unavailable', 'info redis reachable again']);
    },
  );
});
