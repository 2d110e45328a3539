import { hostname } from 'node:os';
import { pid } from 'node:process';
import type { Logger } from '@portico/logging';
import type { Redis } from 'ioredis';
import type { EventEnvelope } from './envelope.js';
import type { Inbox } from './inbox.js';
import { deadLetterStreamOf, envelopeField, type StreamReply, streamOf } from './streams.js';

export type RedisConsumerOptions = {
  /** The consumer group: one per consuming service, shared by its replicas. */
  group: string;
  sources: readonly string[];
  inbox: Inbox;
  /** For acks, claims and dead letters. */
  redis: Redis;
  logger: Logger;
  /** Tries per entry before it goes to the dead-letter stream. */
  maxAttempts?: number;
  /** An entry pending this long is taken over by whichever consumer claims it. */
  claimIdleMs?: number;
  blockMs?: number;
  /** The deployment's Redis key prefix. */
  prefix?: string;
};

const isNoGroup = (error: unknown) => String((error as Error)?.message).startsWith('NOGROUP');

/**
 * The Redis Streams transport's consumer. Blocking reads get a connection of
 * their own (a blocked ioredis connection runs nothing else: ioredis #984).
 * After a restart it first re-reads its own pending entries (ID 0), then new
 * ones (`>`); entries a crashed replica left pending are claimed with
 * XAUTOCLAIM; an entry that keeps failing goes to `<stream>:dead`, then is
 * acknowledged (a crash between gives a duplicate, never a loss); if Redis
 * lost the group (NOGROUP), it is created again.
 */
export function startRedisConsumer(options: RedisConsumerOptions) {
  const { group, inbox, redis, logger } = options;
  const consumer = `${group}-${hostname()}-${pid}`;
  const streams = options.sources.map((source) => streamOf(source, options.prefix));
  const maxAttempts = options.maxAttempts ?? 5;
  const claimIdleMs = options.claimIdleMs ?? 10_000;
  // No command timeout on the blocking connection: XREADGROUP waits up to its BLOCK time.
  const blocking = redis.duplicate({ commandTimeout: undefined });
  blocking.on('error', () => {});
  let stopped = false;
  let failures = 0;

  async function ensureGroups(): Promise<void> {
    for (const stream of streams) {
      try {
        // From 0: events written before this group existed are delivered too.
        await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
      }
    }
  }

  async function deliveries(stream: string, id: string): Promise<number> {
    const rows = (await redis.xpending(stream, group, 'IDLE', 0, id, id, 1)) as [
      string,
      string,
      number,
      number,
    ][];
    return rows[0]?.[3] ?? 1;
  }

  /** True when the entry was handled and is to be acknowledged (with its batch). */
  async function handleEntry(stream: string, id: string, fields: string[]): Promise<boolean> {
    const raw = envelopeField(fields);
    let event: EventEnvelope | undefined;
    try {
      event = raw ? (JSON.parse(raw) as EventEnvelope) : undefined;
      if (!event?.id) throw new Error('entry has no envelope');
      await inbox.handle(event);
      return true;
    } catch (error) {
      if ((await deliveries(stream, id)) < maxAttempts && event) {
        logger.warn(
          { err: (error as Error).message, stream, id },
          'event failed; it will be retried',
        );
        return false;
      }
      logger.error({ err: (error as Error).message, stream, id }, 'event dead-lettered');
      await redis.xadd(
        deadLetterStreamOf(stream),
        '*',
        'envelope',
        raw ?? '',
        'group',
        group,
        'error',
        (error as Error).message,
      );
      await redis.xack(stream, group, id);
      return false;
    }
  }

  /**
   * Handles a batch in order, then acknowledges it with one XACK: an await per
   * entry on a busy event loop measured ~25 events/s (bench/saga-bench.mjs).
   * A crash before the XACK redelivers entries the inbox then skips.
   */
  async function handleBatch(stream: string, entries: [string, string[]][]): Promise<void> {
    const handled: string[] = [];
    for (const [id, fields] of entries) {
      if (fields && (await handleEntry(stream, id, fields))) handled.push(id);
    }
    if (handled.length > 0) await redis.xack(stream, group, ...handled);
  }

  async function read(ids: string[], block: boolean): Promise<number> {
    const args = [
      'GROUP',
      group,
      consumer,
      'COUNT',
      '100',
      ...(block ? ['BLOCK', String(options.blockMs ?? 5000)] : []),
    ];
    const reply = (await (
      blocking as unknown as { xreadgroup: (...a: string[]) => Promise<StreamReply> }
    ).xreadgroup(...args, 'STREAMS', ...streams, ...ids)) as StreamReply;
    let count = 0;
    for (const [stream, entries] of reply ?? []) {
      count += entries.length;
      await handleBatch(stream, entries);
    }
    return count;
  }

  async function claim(): Promise<void> {
    for (const stream of streams) {
      let cursor = '0-0';
      do {
        const [next, entries] = (await redis.xautoclaim(
          stream,
          group,
          consumer,
          claimIdleMs,
          cursor,
          'COUNT',
          50,
        )) as [string, [string, string[]][]];
        await handleBatch(stream, entries);
        cursor = next;
      } while (cursor !== '0-0' && !stopped);
    }
  }

  const loop = (async () => {
    let backlog = true;
    while (!stopped) {
      try {
        if (failures > 0 || backlog) await ensureGroups();
        // Our own pending entries first (a restart), then new ones.
        if (backlog)
          backlog =
            (await read(
              streams.map(() => '0'),
              false,
            )) > 0;
        else
          await read(
            streams.map(() => '>'),
            true,
          );
        failures = 0;
      } catch (error) {
        if (stopped) return;
        failures += 1;
        if (isNoGroup(error)) backlog = true;
        if (failures === 1 || failures % 30 === 0) {
          logger.warn(
            { err: (error as Error).message, group, failures },
            'event stream read failed',
          );
        }
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(5000, 100 * 2 ** Math.min(failures, 6))),
        );
      }
    }
  })();

  const claimer = setInterval(
    () => {
      claim().catch((error) => {
        if (isNoGroup(error)) ensureGroups().catch(() => {});
      });
    },
    Math.max(1000, claimIdleMs / 2),
  );
  claimer.unref();

  return {
    consumer,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(claimer);
      blocking.disconnect();
      await loop.catch(() => {});
    },
  };
}
