import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, migrateToLatest } from '@portico/db';
import { createOutbox, type EventTables, eventFeedRoutes, outboxMigration } from '@portico/events';
import { createServiceApp, serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { createTokenVerifier, requireAuth } from '@portico/token-auth';
import { readConfig } from '../../src/config.js';

/**
 * The order service's producing side and nothing else: a real outbox and the
 * real feed routes, so inventory's consumer follows it over HTTP exactly as it
 * follows order-service (whose saga is built elsewhere).
 */
export async function startOrderFeed(authUrl: string) {
  const dir = mkdtempSync(join(tmpdir(), 'portico-order-feed-'));
  const database = createDatabase<EventTables>({ url: join(dir, 'order.db'), service: 'order' });
  await migrateToLatest(database.db, { '001_outbox': outboxMigration });
  const outbox = createOutbox(database.db, 'order');
  const logger = createLogger({ service: 'order-feed', level: 'silent' });
  const { TOKEN_ISSUER, TOKEN_AUDIENCE } = readConfig({});
  const verifier = createTokenVerifier({
    jwksUrl: `${authUrl}/.well-known/jwks.json`,
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
  });
  const app = createServiceApp({
    service: 'order-feed',
    logger,
    readiness: {},
    routes: (app) => app.use('/internal/v1', requireAuth(verifier), eventFeedRoutes(outbox)),
  });
  const served = await serve(app, { port: 0, host: '127.0.0.1', logger, drainMs: 200 });
  return {
    url: served.url,
    publish: (type: string, data: unknown) => outbox.transaction((_trx, emit) => emit(type, data)),
    async stop() {
      await served.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
