import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope } from './envelope.js';
import type { Emit, Outbox } from './outbox.js';
import type { EventTables } from './tables.js';

/** A handler's effect runs in `trx`; events it emits join the same transaction. */
export type Handler<DB> = (trx: Transaction<DB>, event: EventEnvelope, emit: Emit) => Promise<void>;
export type Handlers<DB> = Readonly<Record<string, Handler<DB>>>;

export type Outcome = 'handled' | 'duplicate' | 'ignored';

const noEmit: Emit = async (type) => {
  throw new Error(`this service has no outbox to emit ${type}`);
};

/**
 * Idempotent consumption: each event's effect, its inbox row, and (for the
 * feed transport) the new cursor commit together. A redelivered event finds
 * its id in the inbox and does nothing; two replicas racing on one event
 * collide on the inbox's primary key, and the loser's effect rolls back.
 */
export function createInbox<DB extends EventTables>(options: {
  db: Kysely<DB>;
  handlers: Handlers<DB>;
  /** Set when handlers emit events of their own. */
  outbox?: Outbox<DB>;
}) {
  const { db, handlers, outbox } = options;
  const asEvents = (trx: Kysely<DB>) => trx as unknown as Kysely<EventTables>;

  function inTransaction<T>(work: (trx: Transaction<DB>, emit: Emit) => Promise<T>): Promise<T> {
    if (outbox) return outbox.transaction(work);
    return db.transaction().execute((trx) => work(trx, noEmit));
  }

  return {
    async handle(
      event: EventEnvelope,
      cursor?: { source: string; position: number },
    ): Promise<Outcome> {
      return inTransaction(async (trx, emit) => {
        const events = asEvents(trx);
        const seen = await events
          .selectFrom('inbox')
          .select('event_id')
          .where('event_id', '=', event.id)
          .executeTakeFirst();
        const handler = handlers[event.type] as Handler<DB> | undefined;
        let outcome: Outcome = 'duplicate';
        if (!seen) {
          if (handler) await handler(trx, event, emit);
          await events
            .insertInto('inbox')
            .values({
              event_id: event.id,
              source: event.source,
              type: event.type,
              handled_at: Date.now(),
            })
            .execute();
          outcome = handler ? 'handled' : 'ignored';
        }
        if (cursor) {
          await events
            .insertInto('event_cursors')
            .values(cursor)
            .onConflict((oc) => oc.column('source').doUpdateSet({ position: cursor.position }))
            .execute();
        }
        return outcome;
      });
    },

    /** Sets aside an event that kept failing, so the ones behind it can flow. */
    async deadLetter(
      event: EventEnvelope,
      error: unknown,
      cursor?: { source: string; position: number },
    ) {
      await db.transaction().execute(async (trx) => {
        const events = asEvents(trx);
        await events
          .insertInto('dead_letters')
          .values({
            event_id: event.id,
            source: event.source,
            type: event.type,
            envelope: JSON.stringify(event),
            error: error instanceof Error ? error.message : String(error),
            failed_at: Date.now(),
          })
          .onConflict((oc) => oc.column('event_id').doNothing())
          .execute();
        if (cursor) {
          await events
            .insertInto('event_cursors')
            .values(cursor)
            .onConflict((oc) => oc.column('source').doUpdateSet({ position: cursor.position }))
            .execute();
        }
      });
    },

    async cursor(source: string): Promise<number> {
      const row = await asEvents(db as Kysely<DB>)
        .selectFrom('event_cursors')
        .select('position')
        .where('source', '=', source)
        .executeTakeFirst();
      return Number(row?.position ?? 0);
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
