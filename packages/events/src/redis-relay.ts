import type { Logger } from '@portico/logging';
import type { Redis } from 'ioredis';
import { type Kysely, PostgresAdapter } from 'kysely';
import { envelopeOf, type OutboxFeed } from './outbox.js';
import { nextId, streamOf } from './streams.js';
import type { EventTables } from './tables.js';

const BATCH = 200;
/** Room for clock skew between Redis (entry ids are its milliseconds) and this process. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Moves committed outbox rows onto the producer's Redis stream, retrying until
 * Redis takes them (the relay eShop lacked: eShopOnContainers #279). A crash
 * between XADD and marking the row sends it twice, never loses it; consumers
 * are idempotent. On PostgreSQL replicas share the work with SKIP LOCKED.
 *
 * The outbox, not Redis, is the record: a Redis that comes back without its
 * data (restarted without persistence, a failover that lost writes) has
 * dropped entries no group had read. A marker key (`<stream>:relay`) tells: when
 * it is gone, every row published since the last point every group had
 * acknowledged is published again, and the inboxes drop what was already
 * handled. Found by `npm run test:faults` (issue 7): Redis killed while a
 * consumer was down lost its backlog, and the saga timeout cancelled those orders.
 */
export function startRedisRelay<DB extends EventTables>(options: {
  db: Kysely<DB>;
  outbox: OutboxFeed;
  redis: Redis;
  logger: Logger;
  pollMs?: number;
  trimEveryMs?: number;
  /** The deployment's Redis key prefix. */
  prefix?: string;
}) {
  const { outbox, redis, logger } = options;
  const db = options.db as unknown as Kysely<EventTables>;
  const stream = streamOf(outbox.source, options.prefix);
  const marker = `${stream}:relay`;
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let failures = 0;
  /** Rows published before this (epoch ms) were acknowledged by every group; 0: unknown. */
  let acknowledgedBefore = 0;
  let learned = false;
  /** Set at start and on every reconnection: Redis may have come back empty. */
  let checkMarker = true;

  /** Sets the marker if it is missing; if it was, Redis lost its data: publish again what may be lost. */
  async function republishIfLost(): Promise<void> {
    // First learn what the groups have acknowledged (a restarted relay knows nothing yet).
    if (!learned) {
      await trim();
      learned = true;
    }
    const created = await redis.set(marker, String(Date.now()), 'NX');
    if (created === 'OK') {
      const reset = await db
        .updateTable('outbox')
        .set({ published_at: null })
        .where('published_at', '>=', acknowledgedBefore)
        .executeTakeFirst();
      const count = Number(reset.numUpdatedRows);
      if (count > 0) logger.warn({ stream, count }, 'redis lost the stream; publishing again');
    }
    checkMarker = false;
  }

  async function publishBatch(): Promise<number> {
    return db.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom('outbox')
        .selectAll()
        .where('published_at', 'is', null)
        .orderBy('seq', 'asc')
        .limit(BATCH);
      if (postgres) query = query.forUpdate().skipLocked();
      const rows = await query.execute();
      if (rows.length === 0) return 0;
      const pipeline = redis.pipeline();
      for (const row of rows)
        pipeline.xadd(stream, '*', 'envelope', JSON.stringify(envelopeOf(outbox.source, row)));
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('redis pipeline failed');
      await trx
        .updateTable('outbox')
        .set({ published_at: Date.now() })
        .where(
          'seq',
          'in',
          rows.map((r) => r.seq),
        )
        .execute();
      return rows.length;
    });
  }

  /** Runs until the outbox is drained; a wake-up during a run schedules another. */
  function relay(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        if (checkMarker) await republishIfLost();
        do {
          again = false;
          while (!stopped && (await publishBatch()) === BATCH) {}
        } while (again && !stopped);
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 30 === 0) {
          logger.warn(
            { err: (error as Error).message, stream, failures },
            'event relay failed; will retry',
          );
        }
      } finally {
        running = undefined;
      }
    })();
  }

  /**
   * Trims only below what every consumer group has acknowledged: the oldest
   * pending entry of any group, or the entry after its last delivery. A stream
   * no group reads yet is left whole.
   */
  async function trim(): Promise<void> {
    try {
      const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
      if (groups.length === 0) return;
      let floor: string | undefined;
      for (const group of groups) {
        const info = Object.fromEntries(
          Array.from({ length: group.length / 2 }, (_, i) => [group[2 * i], group[2 * i + 1]]),
        ) as Record<string, unknown>;
        let safe = nextId(String(info['last-delivered-id']));
        if (Number(info.pending) > 0) {
          const summary = (await redis.xpending(stream, String(info.name))) as [
            number,
            string,
            string,
            unknown,
          ];
          safe = summary[1];
        }
        if (floor === undefined || compareIds(safe, floor) < 0) floor = safe;
      }
      if (floor) {
        await redis.xtrim(stream, 'MINID', floor);
        // Only forward: groups a lost Redis recreated from 0 must not undo what was known.
        const floorMs = Number(floor.split('-')[0]) - CLOCK_SKEW_MS;
        acknowledgedBefore = Math.max(acknowledgedBefore, floorMs);
      }
    } catch (error) {
      if (!String((error as Error).message).includes('no such key')) {
        logger.debug({ err: (error as Error).message, stream }, 'stream trim skipped');
      }
    }
  }

  const unsubscribe = outbox.onCommit(relay);
  const reconnected = () => {
    checkMarker = true;
  };
  redis.on('ready', reconnected);
  const poll = setInterval(() => {
    // Also each poll: a failover may swap the data without a reconnection.
    checkMarker = true;
    relay();
  }, options.pollMs ?? 1000);
  const trimmer = setInterval(trim, options.trimEveryMs ?? 30_000);
  poll.unref();
  trimmer.unref();
  relay();

  return {
    relayNow: relay,
    trim,
    async stop(): Promise<void> {
      stopped = true;
      unsubscribe();
      redis.off('ready', reconnected);
      clearInterval(poll);
      clearInterval(trimmer);
      await running;
    },
  };
}

export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am === bm ? as - bs : am - bm;
}
