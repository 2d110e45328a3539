import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database } from '@portico/db';
import { serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
// A real auth service in this process (inventory's kit): tokens are signed and verified for real.
import { type AuthKit, startAuth } from '../../../inventory-service/test/support/auth-kit.js';
import { createOrderService } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { createOrderRepository, type OrderRepository } from '../../src/data/order-repository.js';
import type { OrderDatabase } from '../../src/data/schema.js';

/** Port 9 refuses at once: no user service or inventory feed is needed to stream orders. */
const NOBODY = 'http://127.0.0.1:9';

export type OrderEventsKit = {
  url: string;
  auth: AuthKit;
  /** The service's own repository, on its database: orders are written and moved here. */
  repository: OrderRepository;
  /** Starts draining, as SIGTERM does. */
  drain: () => void;
  stop: () => Promise<void>;
};

/**
 * The order service on port 0 over a fresh SQLite file, with a real auth
 * service beside it (`auth`, when the test started one for peers too; it is
 * stopped with the rest).
 */
export async function startOrderEvents(
  env: Record<string, string>,
  given?: AuthKit,
): Promise<OrderEventsKit> {
  const auth = given ?? (await startAuth());
  const dir = mkdtempSync(join(tmpdir(), 'portico-order-events-'));
  const database: Database<OrderDatabase> = createDatabase<OrderDatabase>({
    url: join(dir, 'order.db'),
    service: 'order',
  });
  const logger = createLogger({ service: 'order-service', level: 'silent' });
  const draining = new AbortController();
  const service = await createOrderService({
    config: readConfig({
      AUTH_SERVICE_URL: auth.url,
      USER_SERVICE_URL: NOBODY,
      INVENTORY_SERVICE_URL: NOBODY,
      ...env,
    }),
    database,
    logger,
    draining: draining.signal,
    validateResponses: true,
  });
  const served = await serve(service.app, { port: 0, host: '127.0.0.1', logger, draining });
  return {
    url: served.url,
    auth,
    repository: createOrderRepository(database.db),
    drain: () => draining.abort(),
    async stop() {
      await served.close();
      await service.close();
      await database.close();
      await auth.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The `sub` of an access token: the account id its orders belong to. */
export function subjectOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
}

export type ServerSentEvent = { event?: string; id?: string; data: string };

/**
 * Server-sent events as they arrive on a fetch body (WHATWG HTML §9.2.6, the
 * fields this service sends); comments are yielded as `{ event: 'comment' }`.
 */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let blank = buffered.indexOf('\n\n');
    while (blank !== -1) {
      const block = buffered.slice(0, blank);
      buffered = buffered.slice(blank + 2);
      blank = buffered.indexOf('\n\n');
      const event: ServerSentEvent = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.event = 'comment';
        const [field, ...rest] = line.split(': ');
        const value = rest.join(': ');
        if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
        else if (field === 'data') event.data = value;
      }
      yield event;
    }
  }
}
