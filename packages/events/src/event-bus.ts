import type { ServiceClient } from '@portico/http-client';
import type { Logger } from '@portico/logging';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { startFeedConsumer } from './feed-consumer.js';
import { createInbox, type Handlers } from './inbox.js';
import type { Outbox } from './outbox.js';
import { startRedisConsumer } from './redis-consumer.js';
import { startRedisRelay } from './redis-relay.js';
import type { EventTables } from './tables.js';

export type EventBusOptions<DB extends EventTables> = {
  /** The consuming service's name: its Redis consumer group. */
  service: string;
  db: Kysely<DB>;
  logger: Logger;
  /** Set: Redis Streams; unset: the embedded HTTP feeds. */
  redis?: Redis | undefined;
  /** This service's outbox, when it produces events. */
  outbox?: Outbox<DB>;
  /** What this service consumes: handlers by event type, and each producer's feed client. */
  consume?: {
    handlers: Handlers<DB>;
    feeds: Readonly<Record<string, ServiceClient>>;
  };
  /** Tries per event before it is dead-lettered. */
  maxAttempts?: number;
  /** The deployment's Redis key prefix (`REDIS_PREFIX`). */
  prefix?: string;
};

/**
 * One behaviour, two transports, chosen by configuration only: with Redis,
 * the outbox is relayed to the producer's stream and consumed by a group per
 * service; without it, consumers long-poll each producer's outbox feed.
 */
export function startEventBus<DB extends EventTables>(options: EventBusOptions<DB>) {
  const { db, logger, redis, outbox, consume } = options;
  const stops: (() => Promise<void>)[] = [];

  if (outbox && redis) {
    const relay = startRedisRelay({
      db,
      outbox,
      redis,
      logger,
      ...(options.prefix && { prefix: options.prefix }),
    });
    stops.push(relay.stop);
  }
  if (consume) {
    const inbox = createInbox({ db, handlers: consume.handlers, ...(outbox && { outbox }) });
    const sources = Object.keys(consume.feeds);
    if (redis) {
      const consumer = startRedisConsumer({
        group: options.service,
        sources,
        inbox,
        redis,
        logger,
        ...(options.maxAttempts && { maxAttempts: options.maxAttempts }),
        ...(options.prefix && { prefix: options.prefix }),
      });
      stops.push(consumer.stop);
    } else {
      for (const source of sources) {
        const consumer = startFeedConsumer({
          source,
          client: consume.feeds[source]!,
          inbox,
          logger,
          ...(options.maxAttempts && { maxAttempts: options.maxAttempts }),
        });
        stops.push(consumer.stop);
      }
    }
  }

  return {
    async stop(): Promise<void> {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}

export type EventBus = ReturnType<typeof startEventBus>;
