import type { ServiceClient } from '@portico/http-client';
import { type Logger, outageLog } from '@portico/logging';
import type { EventEnvelope } from './envelope.js';
import type { Inbox } from './inbox.js';

type FeedPage = { events: (EventEnvelope & { position: number })[]; next: number };

export type FeedConsumerOptions = {
  source: string;
  /** A client for the producer, with a service token holding `events:read`. */
  client: ServiceClient;
  inbox: Inbox;
  logger: Logger;
  waitMs?: number;
  batch?: number;
  /** Tries per event before it is set aside as a dead letter. */
  maxAttempts?: number;
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * The embedded transport's consumer: long-polls one producer's feed from the
 * cursor kept in this service's database, and hands each event to the inbox.
 * At-least-once: the cursor moves in the same transaction as the effect.
 */
export function startFeedConsumer(options: FeedConsumerOptions) {
  const { source, client, inbox, logger } = options;
  const waitMs = options.waitMs ?? 20_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const stop = new AbortController();
  const outage = outageLog({
    logger,
    down: 'event feed unavailable',
    up: 'event feed reachable again',
    fields: { source },
  });

  async function deliver(event: EventEnvelope & { position: number }): Promise<void> {
    const { position, ...envelope } = event;
    const cursor = { source, position };
    for (let attempt = 1; ; attempt += 1) {
      try {
        await inbox.handle(envelope, cursor);
        return;
      } catch (error) {
        if (stop.signal.aborted) throw error;
        if (attempt >= maxAttempts) {
          logger.error(
            { err: error, eventId: envelope.id, type: envelope.type },
            'event dead-lettered',
          );
          await inbox.deadLetter(envelope, error, cursor);
          return;
        }
        await sleep(50 * 2 ** attempt, stop.signal);
      }
    }
  }

  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        const after = await inbox.cursor(source);
        const res = await client.request<FeedPage>({
          method: 'GET',
          path: `/internal/v1/events?after=${after}&limit=${options.batch ?? 100}&waitMs=${waitMs}`,
          signal: stop.signal,
        });
        if (res.status !== 200 || !res.body)
          throw new Error(`${source} feed answered ${res.status}`);
        for (const event of res.body.events) {
          if (stop.signal.aborted) return;
          await deliver(event);
        }
        outage.answered();
      } catch (error) {
        if (stop.signal.aborted) return;
        const failures = outage.failed(error);
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)), stop.signal);
      }
    }
  })();

  return {
    /** Stops polling; resolves once no event is being handled. */
    async stop(): Promise<void> {
      stop.abort();
      await loop;
    },
  };
}
