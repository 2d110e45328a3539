import type { Logger } from '@portico/logging';
import {
  type ClientRateLimitInfo,
  MemoryStore,
  type Options,
  type Store,
} from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { type RedisReply, RedisStore } from 'rate-limit-redis';

export type StoreKind = 'redis' | 'memory';

export type RateLimitStores = {
  /** The store for one limiter; its Redis keys start with `<prefix><name>:`. */
  create: (name: string) => Store;
  /** Where the counts go now. */
  kind: () => StoreKind;
  /** Stops probing Redis and the memory stores' sweep timers. */
  close: () => void;
};

export type RateLimitStoreOptions = {
  /** Unset: every limiter counts in this process (embedded mode). */
  redis?: Redis | undefined;
  /** Prepended to every Redis key. */
  prefix: string;
  logger: Logger;
  /** Called on every move between stores; `fellBack` when Redis failed under traffic. */
  onChange: (kind: StoreKind, fellBack: boolean) => void;
  /** A Redis call slower than this counts as a failure. */
  timeoutMs?: number;
  /** How often a fallen-back gateway asks Redis again. */
  probeIntervalMs?: number;
};

// Preallocated: a timeout needs no stack trace, and there may be many at once.
const TIMED_OUT = new Error('Redis did not answer in time');
const CONNECTION_CLOSED = new Error('the connection to Redis closed');

/**
 * The rate-limit stores: rate-limit-redis, so every replica shares one count,
 * falling back to express-rate-limit's memory store whenever Redis errors or
 * is slower than `timeoutMs`, so an outage costs sharing, never availability.
 * While fallen back, Redis is asked again every `probeIntervalMs` and whenever
 * ioredis reconnects; a probe reloads the stores' scripts (a restarted Redis
 * has none, and a store initialised while Redis was down keeps a failed load).
 * Counting starts in memory and moves to Redis once the first probe passes.
 */
export function createRateLimitStores(options: RateLimitStoreOptions): RateLimitStores {
  const { redis, prefix, logger, onChange } = options;
  if (!redis) {
    const memories: MemoryStore[] = [];
    onChange('memory', false);
    return {
      create: () => {
        const memory = new MemoryStore();
        memories.push(memory);
        return memory;
      },
      kind: () => 'memory',
      close: () => {
        for (const memory of memories) memory.shutdown();
      },
    };
  }
  const client = redis;
  const timeoutMs = options.timeoutMs ?? 200;
  const probeIntervalMs = options.probeIntervalMs ?? 3_000;
  const members: { shared: RedisStore; memory: MemoryStore; options?: Options }[] = [];
  let kind: StoreKind = 'memory';
  let probing = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      probe();
    }, probeIntervalMs);
    timer.unref();
  };

  const fallBack = (error: unknown) => {
    if (kind !== 'redis') return;
    kind = 'memory';
    logger.warn(
      { err: (error as Error).message },
      'rate limits fell back to in-process counts: Redis failed',
    );
    onChange('memory', true);
    schedule();
  };

  function probe(): void {
    if (closed || probing || kind === 'redis') return;
    probing = true;
    const ready = members.filter((member) => member.options !== undefined);
    Promise.all(ready.map((member) => within(member.shared.init(member.options!))))
      .then(
        () => {
          if (closed || kind === 'redis') return;
          kind = 'redis';
          logger.info('rate limits are shared through Redis');
          onChange('redis', false);
        },
        () => schedule(),
      )
      .finally(() => {
        probing = false;
      });
  }

  function within<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const deadline = setTimeout(reject, timeoutMs, TIMED_OUT);
      work.then(
        (value) => {
          clearTimeout(deadline);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(deadline);
          reject(error);
        },
      );
    });
  }

  /** Redis's answer within the bound, else the move to memory and memory's answer. */
  const orFallBack = <T>(work: Promise<T>, local: () => T | Promise<T>): Promise<T> =>
    within(work).catch((error: unknown) => {
      fallBack(error);
      return local();
    });

  // ioredis tells us first: no request has to fail before the switch, either way.
  const onReady = () => probe();
  const onClose = () => fallBack(CONNECTION_CLOSED);
  client.on('ready', onReady);
  client.on('close', onClose);
  onChange('memory', false);
  schedule();

  return {
    create: (name) => {
      const memory = new MemoryStore();
      const shared = new RedisStore({
        prefix: `${prefix}${name}:`,
        sendCommand: (command: string, ...args: string[]) =>
          client.call(command, ...args) as Promise<RedisReply>,
      });
      const member: (typeof members)[number] = { shared, memory };
      members.push(member);
      return {
        prefix: shared.prefix,
        // express-rate-limit calls this once, synchronously, when the limiter is built.
        init: (limiterOptions) => {
          member.options = limiterOptions;
          memory.init(limiterOptions);
          if (client.status === 'ready') queueMicrotask(probe);
        },
        increment: (key) =>
          kind === 'redis'
            ? orFallBack(shared.increment(key), () => memory.increment(key))
            : memory.increment(key),
        decrement: (key) =>
          kind === 'redis'
            ? orFallBack(shared.decrement(key), () => memory.decrement(key))
            : memory.decrement(key),
        resetKey: async (key) => {
          await memory.resetKey(key);
          if (kind === 'redis') await orFallBack(shared.resetKey(key), () => undefined);
        },
        get: (key) =>
          kind === 'redis'
            ? orFallBack<ClientRateLimitInfo | undefined>(shared.get(key), () => memory.get(key))
            : memory.get(key),
        shutdown: () => memory.shutdown(),
      };
    },
    kind: () => kind,
    close: () => {
      closed = true;
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('close', onClose);
      for (const member of members) member.memory.shutdown();
    },
  };
}
