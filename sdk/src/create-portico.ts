import type { paths as AuthPaths } from '@portico/openapi/auth';
import type { paths as InventoryPaths } from '@portico/openapi/inventory';
import type { paths as OrderPaths } from '@portico/openapi/order';
import type { paths as UserPaths } from '@portico/openapi/user';
import createClient, { type Client } from 'openapi-fetch';
import { orderIdempotency, retryLostConnections } from './lost-connection.js';
import { createSession, type Session } from './session.js';
import { memoryTokenStore, type TokenStore } from './token-store.js';

export type PorticoOptions = {
  /** The gateway, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** A fetch to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: (request: Request) => Promise<Response>;
  /** Where tokens live; in memory by default. */
  tokens?: TokenStore;
  /**
   * The public OAuth client the stored tokens were issued to, when they came
   * from the browser flow (`createBrowserLogin`): refreshes then go through the
   * token endpoint as that client. Unset: password login (`session.login`).
   */
  oauthClientId?: string;
};

export type Portico = {
  auth: Client<AuthPaths>;
  users: Client<UserPaths>;
  orders: Client<OrderPaths>;
  inventory: Client<InventoryPaths>;
  session: Session;
};

/**
 * Typed clients for every Portico service behind one gateway, sharing a login:
 * requests carry the stored access token, and a 401 refreshes it once and
 * retries. A repeatable request whose connection was lost is sent once more;
 * orders are repeatable, each carrying an Idempotency-Key.
 */
export function createPortico(options: PorticoOptions): Portico {
  const clientOptions = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: retryLostConnections(options.fetch ?? ((request) => fetch(request))),
  };
  const session = createSession(
    createClient<AuthPaths>(clientOptions),
    options.tokens ?? memoryTokenStore(),
    options.oauthClientId,
  );
  const signed = <P extends {}>(): Client<P> => {
    const client = createClient<P>(clientOptions);
    client.use(orderIdempotency, session.middleware);
    return client;
  };
  return {
    auth: signed<AuthPaths>(),
    users: signed<UserPaths>(),
    orders: signed<OrderPaths>(),
    inventory: signed<InventoryPaths>(),
    session,
  };
}
