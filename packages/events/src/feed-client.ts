import { createServiceClient, type ServiceClient, type TokenProvider } from '@portico/http-client';
import { MAX_WAIT_MS } from './feed-routes.js';

/**
 * The client a consumer follows a producer's feed with (`feed` of
 * `startEventBus` / `subscribe`). A long poll is held for up to MAX_WAIT_MS,
 * so a try may last that long and a little more; it is never retried (the
 * consumer loops, from its stored cursor).
 */
export function createFeedClient(options: {
  /** The producer's name, for logs and errors. */
  name: string;
  baseUrl: string;
  /** Service tokens with `events:read`. */
  tokenProvider: TokenProvider;
}): ServiceClient {
  return createServiceClient({ ...options, timeoutMs: MAX_WAIT_MS + 5_000, retries: 0 });
}
