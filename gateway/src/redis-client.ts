import type { Logger } from '@portico/logging';
import { Redis } from 'ioredis';

/**
 * Every command's bound. A Redis that accepts connections but does not answer
 * (stopped, overloaded) would otherwise hold a request for as long as it
 * lasts; past this, callers take their fallback (user-service, local counts).
 */
const COMMAND_TIMEOUT_MS = 500;

/**
 * The gateway's Redis connection (shared cache tier and rate-limit counts).
 * Commands fail fast while it is down (no offline queue, one retry), because
 * every caller has a local fallback; ioredis keeps reconnecting meanwhile.
 * An outage is logged when it starts and when it ends, not on every retry.
 */
export function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: err.message }, 'redis unavailable');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis reachable again');
  });
  return redis;
}
