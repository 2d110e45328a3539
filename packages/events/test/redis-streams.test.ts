import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database, migrateToLatest } from '@portico/db';
import { createLogger } from '@portico/logging';
import { eventually } from '@portico/test-kit';
import { Redis } from 'ioredis';
import {
  createInbox,
  createOutbox,
  type EventEnvelope,
  type EventTables,
  type Handlers,
  inboxMigration,
  outboxMigration,
  startRedisConsumer,
  startRedisRelay,
  streamOf,
} from '../src/index.js';

const redisUrl = process.env.REDIS_URL;
const logger = createLogger({ service: 'events-test', level: 'silent' });

type DB = EventTables & { effects: { event_id: string } };

const suite = redisUrl ? describe : describe.skip;
if (!redisUrl)
  process.stderr.write('Redis Streams transport tests skipped: REDIS_URL is not set.\n');

suite('the Redis Streams transport', () => {
  let dir: string;
  let redis: Redis;
  let producer: Database<DB>;
  let consumerDb: Database<DB>;
  let prefix: string;
  const stops: (() => Promise<void>)[] = [];

  const effects = async () =>
    (await consumerDb.db.selectFrom('effects').select('event_id').execute()).map((r) => r.event_id);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-events-'));
    prefix = `evt${randomUUID().slice(0, 8)}`;
    redis = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });
    producer = createDatabase<DB>({ url: join(dir, 'producer.db'), service: 'producer' });
    consumerDb = createDatabase<DB>({ url: join(dir, 'consumer.db'), service: 'consumer' });
    await migrateToLatest(producer.db, { '001': outboxMigration });
    await migrateToLatest(consumerDb.db, {
      '001': inboxMigration,
      '002': {
        up: async (db) => {
          await db.schema
            .createTable('effects')
            .addColumn('event_id', 'text', (c) => c.primaryKey())
            .execute();
        },
      },
    });
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await producer.close();
    await consumerDb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const handlers = (fail?: () => boolean): Handlers<DB> => ({
    'thing.happened': async (trx, event) => {
      if (fail?.()) throw new Error('handler failed');
      await trx.insertInto('effects').values({ event_id: event.id }).execute();
    },
  });

  function startConsumer(
    options: { fail?: () => boolean; maxAttempts?: number; claimIdleMs?: number } = {},
  ) {
    const inbox = createInbox({ db: consumerDb.db, handlers: handlers(options.fail) });
    const consumer = startRedisConsumer({
      group: 'consumer',
      sources: ['producer'],
      inbox,
      redis,
      logger,
      prefix,
      blockMs: 200,
      ...(options.maxAttempts && { maxAttempts: options.maxAttempts }),
      ...(options.claimIdleMs && { claimIdleMs: options.claimIdleMs }),
    });
    stops.push(consumer.stop);
    return consumer;
  }

  async function publish(count: number): Promise<string[]> {
    const outbox = createOutbox(producer.db, 'producer');
    const relay = startRedisRelay({ db: producer.db, outbox, redis, logger, prefix, pollMs: 50 });
    stops.push(relay.stop);
    for (let i = 0; i < count; i += 1)
      await outbox.transaction((_trx, emit) => emit('thing.happened', { i }));
    const rows = await producer.db.selectFrom('outbox').select('id').orderBy('seq').execute();
    return rows.map((r) => r.id);
  }

  it('when a producer commits events, then the group consumes each once, in the same transaction as its effect', async () => {
    startConsumer();
    const ids = await publish(5);
    await eventually('five effects', async () => (await effects()).length === 5, {
      timeoutMs: 5000,
    });
    expect((await effects()).sort()).toEqual([...ids].sort());
    const stream = streamOf('producer', prefix);
    await eventually(
      'every entry acknowledged',
      async () => ((await redis.xpending(stream, 'consumer')) as [number])[0] === 0,
      { timeoutMs: 2000 },
    );
  });

  it('when a consumer crashed holding entries, then another claims them and handles each once', async () => {
    const stream = streamOf('producer', prefix);
    await redis.xgroup('CREATE', stream, 'consumer', '0', 'MKSTREAM');
    const ids = await publish(3);
    await eventually('three entries on the stream', async () => (await redis.xlen(stream)) === 3, {
      timeoutMs: 2000,
    });
    // A consumer that read everything and died before acknowledging.
    await redis.xreadgroup('GROUP', 'consumer', 'crashed', 'COUNT', 10, 'STREAMS', stream, '>');
    startConsumer({ claimIdleMs: 200 });
    await eventually('three effects after the claim', async () => (await effects()).length === 3, {
      timeoutMs: 8000,
    });
    expect((await effects()).sort()).toEqual([...ids].sort());
  });

  it('when an entry keeps failing, then after the allowed tries it goes to the dead-letter stream and is acknowledged', async () => {
    startConsumer({ fail: () => true, maxAttempts: 2, claimIdleMs: 200 });
    await publish(1);
    const stream = streamOf('producer', prefix);
    await eventually('one dead letter', async () => (await redis.xlen(`${stream}:dead`)) === 1, {
      timeoutMs: 10_000,
    });
    const [[, fields] = ['', []]] = (await redis.xrange(`${stream}:dead`, '-', '+')) as [
      string,
      string[],
    ][];
    expect(JSON.parse(fields[1]!) as EventEnvelope).toMatchObject({ type: 'thing.happened' });
    await eventually(
      'every entry acknowledged',
      async () => ((await redis.xpending(stream, 'consumer')) as [number])[0] === 0,
      { timeoutMs: 2000 },
    );
    expect(await effects()).toEqual([]);
  });

  it('when Redis loses the consumer group, then the consumer creates it again and carries on', async () => {
    startConsumer();
    await publish(1);
    await eventually('one effect', async () => (await effects()).length === 1, { timeoutMs: 5000 });
    const stream = streamOf('producer', prefix);
    await redis.xgroup('DESTROY', stream, 'consumer');
    const outbox = createOutbox(producer.db, 'producer');
    await outbox.transaction((_trx, emit) => emit('thing.happened', { after: 'destroy' }));
    await eventually('two effects', async () => (await effects()).length === 2, {
      timeoutMs: 10_000,
    });
  });

  it('when Redis comes back without its data, then the relay publishes again what no group had acknowledged, and each takes effect once', async () => {
    const stream = streamOf('producer', prefix);
    startConsumer();
    await publish(2);
    await eventually('two effects', async () => (await effects()).length === 2, {
      timeoutMs: 5000,
    });
    await stops.shift()!(); // the consumer stops: what comes next waits in the stream
    const outbox = createOutbox(producer.db, 'producer');
    for (let i = 0; i < 3; i += 1)
      await outbox.transaction((_trx, emit) => emit('thing.happened', { backlog: i }));
    await eventually('five entries on the stream', async () => (await redis.xlen(stream)) === 5, {
      timeoutMs: 2000,
    });
    // A restart without persistence: the stream, its group and the relay's marker are gone.
    await redis.del(stream, `${stream}:relay`);
    startConsumer();
    await eventually('five effects', async () => (await effects()).length === 5, {
      timeoutMs: 10_000,
    });
    const all = await producer.db.selectFrom('outbox').select('id').execute();
    expect((await effects()).sort()).toEqual(all.map((r) => r.id).sort());
  });

  it('when the stream is trimmed, then entries a group has not acknowledged are kept', async () => {
    const stream = streamOf('producer', prefix);
    await redis.xgroup('CREATE', stream, 'consumer', '0', 'MKSTREAM');
    const outbox = createOutbox(producer.db, 'producer');
    const relay = startRedisRelay({ db: producer.db, outbox, redis, logger, prefix, pollMs: 50 });
    stops.push(relay.stop);
    for (let i = 0; i < 4; i += 1)
      await outbox.transaction((_trx, emit) => emit('thing.happened', { i }));
    await eventually('four entries on the stream', async () => (await redis.xlen(stream)) === 4, {
      timeoutMs: 2000,
    });
    const read = (await redis.xreadgroup(
      'GROUP',
      'consumer',
      'c1',
      'COUNT',
      4,
      'STREAMS',
      stream,
      '>',
    )) as [string, [string, string[]][]][];
    const entryIds = read[0]![1].map(([id]) => id);
    await redis.xack(stream, 'consumer', entryIds[0]!, entryIds[1]!);
    await relay.trim();
    const left = ((await redis.xrange(stream, '-', '+')) as [string, string[]][]).map(([id]) => id);
    expect(left).toEqual(entryIds.slice(2));
  });
});
