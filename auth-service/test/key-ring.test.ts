import { createDatabase, type Database, migrateToLatest } from '@portico/db';
import { createTokenVerifier } from '@portico/token-auth';
import { migrations } from '../src/data/migrations.js';
import type { AuthDatabase } from '../src/data/schema.js';
import { createSigningKeyRepository } from '../src/data/signing-key-repository.js';
import { createKeyRing, type KeyRing } from '../src/domain/key-ring.js';
import { createTokenIssuer } from '../src/domain/token-issuer.js';

const LIFETIME_MS = 60_000;
/** How long a key ring trusts its copy of the key table (RELOAD_MS in key-ring.ts). */
const RELOAD_MS = 30_000;
const settings = {
  issuer: 'https://issuer.test',
  audience: 'portico-api',
  accessTtlSeconds: 30,
  serviceTtlSeconds: 30,
};

/**
 * The key ring on a real SQLite database with a clock the test moves, so a
 * publish window of a minute passes without waiting for it.
 */
describe('key ring', () => {
  let database: Database<AuthDatabase>;
  let clock: number;
  const now = () => clock;
  const ringOn = (db: Database<AuthDatabase>): KeyRing =>
    createKeyRing({
      repository: createSigningKeyRepository(db.db),
      now,
      retiredKeyLifetimeMs: LIFETIME_MS,
    });
  const kids = async (ring: KeyRing) => (await ring.jwks()).keys.map((k) => k.kid).sort();

  beforeEach(async () => {
    clock = Date.UTC(2030, 0, 1);
    database = createDatabase<AuthDatabase>({ url: ':memory:', service: 'auth' });
    await migrateToLatest(database.db, migrations);
  });
  afterEach(() => database.close());

  it('when a retired key outlives its publish window, then it leaves the JWKS and its tokens are refused', async () => {
    const ring = ringOn(database);
    await ring.initialise();
    // Tokens carry real time (jose checks exp against it); only the ring's clock is moved.
    const issuer = createTokenIssuer(ring, settings, Date.now);
    // No verified-token cache: only the ring's clock passes the publish window here,
    // while the token is seconds old in real time (outside a test the key outlives it).
    const verifier = createTokenVerifier({ getKey: ring.getKey, ...settings, cacheMaxEntries: 0 });
    const oldToken = await issuer.forUser('account-1', ['user'], 'session-1');
    const oldKid = (await ring.signingKey()).kid;
    expect(await kids(ring)).toHaveLength(2);

    clock += 1000;
    const rotatedAt = clock;
    const { activeKid, nextKid } = await ring.rotate();
    expect(await kids(ring)).toEqual([oldKid, activeKid, nextKid].sort());

    clock = rotatedAt + LIFETIME_MS - 1;
    expect(await kids(ring)).toContain(oldKid);
    await expect(verifier.verify(oldToken)).resolves.toMatchObject({ sub: 'account-1' });

    // Another replica reading the table at the end of the window no longer sees the key.
    clock = rotatedAt + LIFETIME_MS;
    const replica = ringOn(database);
    await replica.initialise();
    expect(await kids(replica)).toEqual([activeKid, nextKid].sort());

    // This replica drops it by its next reload of the table at the latest.
    clock = rotatedAt + LIFETIME_MS + RELOAD_MS + 1;
    expect(await kids(ring)).toEqual([activeKid, nextKid].sort());
    await expect(verifier.verify(oldToken)).rejects.toThrow(/unknown key/);
  });

  it('when the next rotation comes after the window, then the expired key is deleted from the table', async () => {
    const ring = ringOn(database);
    await ring.initialise();
    const first = (await ring.signingKey()).kid;
    await ring.rotate();
    clock += LIFETIME_MS + 1;
    const { activeKid, nextKid } = await ring.rotate();

    const rows = await database.db
      .selectFrom('signing_keys')
      .select(['kid', 'state'])
      .orderBy('state')
      .execute();
    expect(rows.map((r) => r.kid)).not.toContain(first);
    expect(rows.map((r) => r.state)).toEqual(['active', 'next', 'retired']);
    expect(await kids(ring)).toHaveLength(3);
    expect(await kids(ring)).toEqual(expect.arrayContaining([activeKid, nextKid]));
  });

  it('when a key ring starts on a table that has keys, then it reuses them instead of making new ones', async () => {
    const ring = ringOn(database);
    await ring.initialise();
    const before = await kids(ring);
    const restarted = ringOn(database);
    await restarted.initialise();
    expect(await kids(restarted)).toEqual(before);
    expect((await restarted.signingKey()).kid).toBe((await ring.signingKey()).kid);
  });

  it('when tokens name many unknown keys, then the table is read again at most once a second', async () => {
    const repository = createSigningKeyRepository(database.db);
    let reads = 0;
    const counting = {
      ...repository,
      listPublished: (now: number) => {
        reads += 1;
        return repository.listPublished(now);
      },
    };
    const ring = createKeyRing({ repository: counting, now, retiredKeyLifetimeMs: LIFETIME_MS });
    await ring.initialise();
    const verifier = createTokenVerifier({ getKey: ring.getKey, ...settings, cacheMaxEntries: 0 });
    const issuer = createTokenIssuer(ring, settings, Date.now);
    const genuine = await issuer.forUser('account-1', ['user'], 'session-1');
    const [header, payload, signature] = genuine.split('.');
    const withKid = (kid: string) => {
      const decoded = JSON.parse(Buffer.from(header!, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...decoded, kid })).toString('base64url');
      return `${forged}.${payload}.${signature}`;
    };

    const before = reads;
    for (let i = 0; i < 50; i += 1)
      await expect(verifier.verify(withKid(`made-up-${i}`))).rejects.toThrow(/unknown key/);
    expect(reads - before).toBe(1);

    clock += 1000;
    await expect(verifier.verify(withKid('made-up-later'))).rejects.toThrow(/unknown key/);
    expect(reads - before).toBe(2);
    await expect(verifier.verify(genuine)).resolves.toMatchObject({ sub: 'account-1' });
  });
});
