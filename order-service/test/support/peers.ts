import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, migrateToLatest } from '@portico/db';
import { createOutbox, type EventTables, eventFeedRoutes, outboxMigration } from '@portico/events';
import { createServiceApp, serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { createTokenVerifier, requireAuth } from '@portico/token-auth';
import type { Router } from 'express';
import { readConfig } from '../../src/config.js';

export type Peer = {
  url: string;
  /** Emits an event on this peer's feed, as its outbox would. */
  publish: (type: string, data: unknown) => Promise<void>;
  stop: () => Promise<void>;
};

/**
 * A service another one follows, as the follower sees it (inventory or user
 * for order-service, order for inventory): a real outbox behind the real feed
 * routes, under `source`, plus any `routes` of its own under `/internal/v1`,
 * all behind the same token check as the real one.
 */
export async function startPeer(
  source: string,
  authUrl: string,
  routes?: (router: Router) => void,
): Promise<Peer> {
  const dir = mkdtempSync(join(tmpdir(), `portico-${source}-peer-`));
  const database = createDatabase<EventTables>({ url: join(dir, `${source}.db`), service: source });
  await migrateToLatest(database.db, { '001_outbox': outboxMigration });
  const outbox = createOutbox(database.db, source);
  const logger = createLogger({ service: `${source}-peer`, level: 'silent' });
  const { TOKEN_ISSUER, TOKEN_AUDIENCE } = readConfig({});
  const verifier = createTokenVerifier({
    jwksUrl: `${authUrl}/.well-known/jwks.json`,
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
  });
  const feed = eventFeedRoutes(outbox);
  routes?.(feed);
  const app = createServiceApp({
    service: `${source}-peer`,
    logger,
    readiness: {},
    routes: (app) => app.use('/internal/v1', requireAuth(verifier), feed),
  });
  const served = await serve(app, { port: 0, host: '127.0.0.1', logger, drainMs: 200 });
  return {
    url: served.url,
    publish: async (type, data) => {
      await outbox.transaction((_trx, emit) => emit(type, data));
    },
    async stop() {
      await served.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
