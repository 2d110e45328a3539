import { randomUUID } from 'node:crypto';
import { migrateToLatest, type TestDatabase, testDatabaseTargets } from '@portico/db';
import { createAccountRepository } from '../src/data/account-repository.js';
import { createAuthorizationCodeRepository } from '../src/data/authorization-code-repository.js';
import { migrations } from '../src/data/migrations.js';
import { createRefreshTokenRepository } from '../src/data/refresh-token-repository.js';
import type { AuthDatabase, AuthorizationCodeRow } from '../src/data/schema.js';

describe.each(testDatabaseTargets())('OAuth data layer on $dialect', ({ open }) => {
  let target: TestDatabase<AuthDatabase>;
  let accountId: string;
  beforeAll(async () => {
    target = await open<AuthDatabase>('auth');
    await migrateToLatest(target.database.db, migrations);
    accountId = randomUUID();
    await createAccountRepository(target.database.db, Date.now).insert({
      id: accountId,
      email: `${accountId}@example.com`,
      name: 'N',
      passwordHash: 'hash',
      roles: ['user'],
      status: 'active',
    });
  });
  afterAll(() => target.drop());

  const code = (overrides: Partial<AuthorizationCodeRow> = {}): AuthorizationCodeRow => ({
    code_hash: randomUUID(),
    client_id: 'spa',
    redirect_uri: 'http://127.0.0.1:5173/callback',
    code_challenge: 'c'.repeat(43),
    account_id: accountId,
    session_id: randomUUID(),
    scope: 'openid email',
    nonce: null,
    auth_time: Date.now(),
    state: 'issued',
    expires_at: Date.now() + 60_000,
    ...overrides,
  });

  it('when a code is stored, then it reads back as written, a null nonce included', async () => {
    const codes = createAuthorizationCodeRepository(target.database.db);
    const row = code({ nonce: 'n-1' });
    await codes.insert(row);
    await codes.insert(code());
    expect(await codes.findByHash(row.code_hash)).toEqual(row);
  });

  it('when ten redemptions of one code race, then exactly one wins', async () => {
    const codes = createAuthorizationCodeRepository(target.database.db);
    const row = code();
    await codes.insert(row);
    const wins = await Promise.all(Array.from({ length: 10 }, () => codes.redeem(row.code_hash)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect((await codes.findByHash(row.code_hash))?.state).toBe('redeemed');
  });

  it('when old codes are swept, then only those expired over ten minutes ago go', async () => {
    const codes = createAuthorizationCodeRepository(target.database.db);
    const now = Date.now();
    const old = code({ expires_at: now - 11 * 60_000 });
    const recent = code({ expires_at: now - 60_000 });
    await codes.insert(old);
    await codes.insert(recent);
    await codes.deleteExpired(now);
    expect(await codes.findByHash(old.code_hash)).toBeUndefined();
    expect(await codes.findByHash(recent.code_hash)).toMatchObject({ code_hash: recent.code_hash });
  });

  it('when a refresh token names its OAuth client and scope, then both read back; a JSON login leaves them null', async () => {
    const tokens = createRefreshTokenRepository(target.database.db);
    const base = {
      family_id: randomUUID(),
      account_id: accountId,
      state: 'active' as const,
      expires_at: Date.now() + 60_000,
      created_at: Date.now(),
    };
    const oauth = {
      ...base,
      id: randomUUID(),
      token_hash: randomUUID(),
      client_id: 'spa',
      scope: 'openid',
    };
    const json = { ...base, id: randomUUID(), token_hash: randomUUID() };
    await tokens.insert(oauth);
    await tokens.insert(json);
    expect(await tokens.findByHash(oauth.token_hash)).toMatchObject({
      client_id: 'spa',
      scope: 'openid',
    });
    expect(await tokens.findByHash(json.token_hash)).toMatchObject({
      client_id: null,
      scope: null,
    });
  });
});
