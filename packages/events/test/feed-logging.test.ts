import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, type Database, migrateToLatest } from '@portico/db';
import { createServiceApp, serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { accessToken, makeKey, now } from '@portico/test-kit';
import { createTokenVerifier, requireAuth } from '@portico/token-auth';
import { createLocalJWKSet } from 'jose';
import { createOutbox, type EventTables, eventFeedRoutes, outboxMigration } from '../src/index.js';

const ISSUER = 'https://auth.portico.test';
const AUDIENCE = 'portico';

/** Every line the service logged, parsed: its logger writes JSON at debug, to here. */
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
      lines.push(JSON.parse(line));
    done();
  },
});

let dir: string;
let database: Database<EventTables>;
let served: Awaited<ReturnType<typeof serve>>;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portico-feed-logging-'));
  database = createDatabase<EventTables>({ url: join(dir, 'order.db'), service: 'order' });
  await migrateToLatest(database.db, { '001_outbox': outboxMigration });
  const outbox = createOutbox(database.db, 'order');

  // A service token as the auth service issues it, signed with a key only this test knows.
  const key = await makeKey();
  token = await accessToken(key, {
    client_id: 'inventory-service',
    scope: 'events:read',
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'inventory-service',
    jti: randomUUID(),
    iat: now(),
    exp: now() + 300,
  });
  const verifier = createTokenVerifier({
    getKey: createLocalJWKSet({ keys: [key.publicJwk] }),
    issuer: ISSUER,
    audience: AUDIENCE,
  });

  const logger = createLogger({
    service: 'order',
    level: 'debug',
    destination: sink,
    format: 'json',
  });
  const app = createServiceApp({
    service: 'order',
    logger,
    readiness: {},
    routes: (app) => {
      app.use('/internal/v1', requireAuth(verifier), eventFeedRoutes(outbox));
      app.get('/api/v1/ping', (_req, res) => {
        res.json({ ok: true });
      });
    },
  });
  served = await serve(app, { port: 0, host: '127.0.0.1', logger, drainMs: 200 });
});

afterAll(async () => {
  await served.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends a request and resolves the one log line written for it. */
async function logLineOf(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${served.url}${path}`, { headers });
  await res.body?.cancel();
  const id = res.headers.get('x-request-id');
  for (let i = 0; i < 200; i += 1) {
    const line = lines.find((l) => (l.req as { id?: string } | undefined)?.id === id);
    if (line) return { status: res.status, line };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no log line for ${path}`);
}

describe('request lines of the event feed', () => {
  it('when a consumer long-polls the feed, then the request is logged at debug, not info', async () => {
    const { status, line } = await logLineOf('/internal/v1/events?after=0&waitMs=50', {
      authorization: `Bearer ${token}`,
    });
    expect(status).toBe(200);
    expect(line).toMatchObject({ level: 'debug', req: { path: '/internal/v1/events' } });
  });

  it('when a readiness probe or an ordinary request comes, then the probe is debug and the request info', async () => {
    expect((await logLineOf('/readyz')).line).toMatchObject({ level: 'debug' });
    expect((await logLineOf('/api/v1/ping')).line).toMatchObject({ level: 'info' });
  });

  it('when a poll is refused (no token), then it is still a warning', async () => {
    const { status, line } = await logLineOf('/internal/v1/events?after=0');
    expect(status).toBe(401);
    expect(line).toMatchObject({ level: 'warn', res: { statusCode: 401 } });
  });
});
