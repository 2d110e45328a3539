import { type Logger, outageLog } from '@portico/logging';
import { Redis } from 'ioredis';

/**
 * Every command's bound. A Redis that accepts connections but does not answer
 * (stopped, overloaded) would otherwise hold a request for as long as it
 * lasts; past this, callers take their fallback (user-service, local counts).
 */
const COMMAND_TIMEOUT_MS = 500;

/** Reconnect for ever, waiting 50 ms more after each failed try, 2 s at most. */
const reconnectDelay = (tries: number) => Math.min(tries * 50, 2_000);

/**
 * The Redis connection of a service or the gateway (cache tier, rate-limit
 * counts, event streams). Commands fail fast while it is down (no offline
 * queue, one retry), because every caller has a fallback or retries on its
 * own; the connection keeps reconnecting meanwhile. An outage is a warning
 * when it starts (repeated every 20 failed reconnects) and one line when it
 * ends, not a line per retry.
 *
 * A blocking read (XREAD, XREADGROUP … BLOCK) must not share it: it holds up
 * every other command, and outlasts the command timeout. The events package
 * gives each one a `duplicate()` without the timeout.
 */
export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: reconnectDelay,
  });
  const outage = outageLog({
    logger,
    down: 'redis unavailable',
    up: 'redis reachable again',
    // Redis is not started with the services: no start-up grace.
    graceMs: 0,
  });
  redis.on('error', (err: Error) => outage.failed(err));
  redis.on('ready', () => outage.answered());
  return redis;
}
