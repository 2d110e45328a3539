import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { currentContext, traceparentOf } from '@portico/logging';
import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope } from './envelope.js';
import { type EventTables, serialiseOutboxWrites } from './tables.js';

type Row = EventTables['outbox'];

export type Emit = (type: string, data: unknown) => Promise<void>;

/** What the transports read from an outbox: its position, its rows, and commit wake-ups. */
export type OutboxFeed = {
  readonly source: string;
  /** Calls `listener` after every commit that emitted events; returns the unsubscribe. */
  onCommit(listener: () => void): () => void;
  /** Events after `position`, in commit order, at most `limit`. */
  readAfter(position: number, limit: number): Promise<{ seq: number; event: EventEnvelope }[]>;
  lastPosition(): Promise<number>;
};

export type Outbox<DB extends EventTables = EventTables> = OutboxFeed & {
  /** Runs `work` and every event it emits in one local transaction. */
  transaction<T>(work: (trx: Transaction<DB>, emit: Emit) => Promise<T>): Promise<T>;
};

/** A row of the outbox as the transports hand it on. */
export function envelopeOf(source: string, row: Row): EventEnvelope {
  return {
    id: row.id,
    type: row.type,
    source,
    occurredAt: new Date(row.occurred_at).toISOString(),
    data: JSON.parse(row.data),
    ...(row.traceparent && { traceparent: row.traceparent }),
  };
}

/**
 * The transactional outbox of one producing service. `transaction` runs the
 * caller's change and every event it emits in one local transaction; once it
 * commits, the transports are woken so idle delivery takes milliseconds.
 */
export function createOutbox<DB extends EventTables>(db: Kysely<DB>, source: string): Outbox<DB> {
  const committed = new EventEmitter();
  committed.setMaxListeners(0);
  const outbox = db as unknown as Kysely<EventTables>;

  return {
    source,

    async transaction<T>(work: (trx: Transaction<DB>, emit: Emit) => Promise<T>): Promise<T> {
      let emitted = 0;
      const result = await db.transaction().execute(async (trx) => {
        const events = trx as unknown as Kysely<EventTables>;
        const emit: Emit = async (type, data) => {
          if (emitted === 0) await serialiseOutboxWrites(events as Kysely<unknown>);
          emitted += 1;
          const ctx = currentContext();
          await events
            .insertInto('outbox')
            .values({
              id: randomUUID(),
              type,
              data: JSON.stringify(data),
              occurred_at: Date.now(),
              traceparent: ctx ? traceparentOf(ctx) : null,
              published_at: null,
            } as Row)
            .execute();
        };
        return work(trx, emit);
      });
      if (emitted > 0) committed.emit('committed');
      return result;
    },

    onCommit(listener) {
      committed.on('committed', listener);
      return () => committed.off('committed', listener);
    },

    /** Events after `position`, in commit order, at most `limit`. */
    async readAfter(
      position: number,
      limit: number,
    ): Promise<{ seq: number; event: EventEnvelope }[]> {
      const rows = await outbox
        .selectFrom('outbox')
        .selectAll()
        .where('seq', '>', position)
        .orderBy('seq', 'asc')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ seq: row.seq, event: envelopeOf(source, row) }));
    },

    async lastPosition() {
      const row = await outbox
        .selectFrom('outbox')
        .select((eb) => eb.fn.max('seq').as('last'))
        .executeTakeFirst();
      return Number(row?.last ?? 0);
    },
  };
}
