import type { ServiceClient } from '@portico/http-client';
import { type Logger, outageLog } from '@portico/logging';
import type { Redis } from 'ioredis';
import type { EventEnvelope } from './envelope.js';
import { envelopeField, type StreamReply, streamOf } from './streams.js';

type FeedPage = { events: EventEnvelope[]; next: number };

/**
 * Follows one producer's events from now on, without persistence or a group:
 * for caches every replica must invalidate (the gateway's user statuses).
 * Redis: XREAD on a dedicated connection; embedded: the producer's feed.
 */
export function subscribe(options: {
  source: string;
  onEvent: (event: EventEnvelope) => void;
  logger: Logger;
  redis?: Redis | undefined;
  /** The producer's feed (embedded mode), with an `events:read` service token. */
  feed?: ServiceClient | undefined;
  waitMs?: number;
  /** The deployment's Redis key prefix. */
  prefix?: string;
}) {
  const stop = new AbortController();
  const { logger, onEvent } = options;
  // No command timeout on the blocking connection: XREAD waits up to its BLOCK
  // time, and a caller's short timeout (the gateway's is 500 ms) would fail every read.
  const blocking = options.redis?.duplicate({ commandTimeout: undefined });
  blocking?.on('error', () => {});
  const outage = outageLog({
    logger,
    down: 'event subscription interrupted',
    up: 'event subscription resumed',
    fields: { source: options.source },
  });

  // Kept across reconnects, so events published while a read failed are not skipped.
  let last = '$';
  async function followRedis(redis: Redis): Promise<void> {
    while (!stop.signal.aborted) {
      const reply = (await redis.xread(
        'BLOCK',
        5000,
        'STREAMS',
        streamOf(options.source, options.prefix),
        last,
      )) as StreamReply;
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          const raw = envelopeField(fields);
          if (raw) onEvent(JSON.parse(raw) as EventEnvelope);
        }
      }
      outage.answered();
    }
  }

  async function followFeed(feed: ServiceClient): Promise<void> {
    let after: number | 'latest' = 'latest';
    while (!stop.signal.aborted) {
      const res: { status: number; body: FeedPage | undefined } = await feed.request<FeedPage>({
        method: 'GET',
        path: `/internal/v1/events?after=${after}&waitMs=${after === 'latest' ? 0 : (options.waitMs ?? 20_000)}`,
        signal: stop.signal,
      });
      if (res.status !== 200 || !res.body)
        throw new Error(`${options.source} feed answered ${res.status}`);
      for (const event of res.body.events) onEvent(event);
      after = res.body.next;
      outage.answered();
    }
  }

  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        if (blocking) await followRedis(blocking);
        else if (options.feed) await followFeed(options.feed);
        else return;
      } catch (error) {
        if (stop.signal.aborted) return;
        const failures = outage.failed(error);
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(5000, 100 * 2 ** Math.min(failures, 6))),
        );
      }
    }
  })();

  return {
    async stop(): Promise<void> {
      stop.abort();
      blocking?.disconnect();
      await loop;
    },
  };
}
