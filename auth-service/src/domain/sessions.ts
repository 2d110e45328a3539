import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { UnauthorizedError } from '@portico/errors';
import type { Account, AccountRepository } from '../data/account-repository.js';
import type { RefreshTokenRepository } from '../data/refresh-token-repository.js';
import type { RefreshTokenRow } from '../data/schema.js';
import { AUTH_ERRORS } from '../errors.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';
import type { Revocations } from './revocations.js';
import type { TokenIssuer } from './token-issuer.js';

export type TokenPair = {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
};

/** An OAuth client's session: its refresh tokens refresh for that client only, with these scopes. */
export type ClientGrant = { clientId: string; scope: string };
export type ClientTokenPair = TokenPair & { scope: string };

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

const invalidCredentials = () =>
  new UnauthorizedError('The email or password is wrong.', AUTH_ERRORS.INVALID_CREDENTIALS.code);
const invalidRefresh = () =>
  new UnauthorizedError('The refresh token is not valid.', AUTH_ERRORS.INVALID_REFRESH_TOKEN.code);

/**
 * Logins and refresh-token families. A login starts a family; each refresh
 * spends its token and issues the next in the same family; presenting a spent
 * token again is treated as theft and revokes the whole family (RFC 9700 §4.14.2).
 */
export function createSessions(deps: {
  accounts: AccountRepository;
  refreshTokens: RefreshTokenRepository;
  issuer: TokenIssuer;
  throttle: LoginThrottle;
  revocations: Revocations;
  refreshTtlSeconds: number;
  now: () => number;
}) {
  async function issuePair(
    accountId: string,
    roles: string[],
    familyId: string,
    client?: ClientGrant,
  ): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    await deps.refreshTokens.insert({
      id: randomUUID(),
      token_hash: hashToken(refreshToken),
      family_id: familyId,
      account_id: accountId,
      state: 'active',
      expires_at: deps.now() + deps.refreshTtlSeconds * 1000,
      created_at: deps.now(),
      ...(client && { client_id: client.clientId, scope: client.scope }),
    });
    return {
      access_token: await deps.issuer.forUser(accountId, roles, familyId, client),
      token_type: 'Bearer',
      expires_in: deps.issuer.accessTtlSeconds,
      refresh_token: refreshToken,
    };
  }

  /** The account behind an email and password, through the login throttle; one error for every bad credential. */
  async function checkCredentials(email: string, password: string, ip: string): Promise<Account> {
    await deps.throttle.before(email, ip);
    const account = await deps.accounts.findByEmail(email);
    const valid = account
      ? await verifyPassword(account.passwordHash, password)
      : await verifyAgainstDummy(password);
    // A disabled account gets the same answer as a wrong password: nothing to enumerate.
    if (!account || !valid || account.status !== 'active') throw invalidCredentials();
    await deps.throttle.succeeded(email, ip);
    return account;
  }

  /**
   * Spends a refresh token and issues the next of its family. `clientId` is
   * the OAuth client presenting it (null: the JSON endpoint): a family issued
   * to one client refreshes for that client only, and never at /refresh.
   */
  async function rotate(refreshToken: string, clientId: string | null) {
    const row = await deps.refreshTokens.findByHash(hashToken(refreshToken));
    if (!row || (row.client_id ?? null) !== clientId) throw invalidRefresh();
    // A spent token presented again is theft (RFC 9700 §4.14.2): the whole session
    // ends, its access tokens too. A revoked family stays revoked, with nothing to write.
    if (row.state === 'rotated')
      await deps.revocations.revokeSession(row.family_id, row.account_id);
    if (row.state !== 'active') throw invalidRefresh();
    if (row.expires_at <= deps.now()) throw invalidRefresh();
    const account = await deps.accounts.findById(row.account_id);
    if (account?.status !== 'active') {
      await deps.refreshTokens.revokeFamily(row.family_id);
      throw invalidRefresh();
    }
    // Losing the race to spend means another request presented the same
    // token at the same moment: indistinguishable from replay, so revoke.
    if (!(await deps.refreshTokens.spend(row.id))) {
      await deps.revocations.revokeSession(row.family_id, row.account_id);
      throw invalidRefresh();
    }
    const scope = row.scope ?? '';
    const client = clientId === null ? undefined : { clientId, scope };
    return { ...(await issuePair(account.id, account.roles, row.family_id, client)), scope };
  }

  return {
    async login(email: string, password: string, ip: string): Promise<TokenPair> {
      const account = await checkCredentials(email, password, ip);
      return issuePair(account.id, account.roles, randomUUID());
    },

    /** The hosted login page's check: the same throttle and answers as `login`, no tokens yet. */
    authenticate: checkCredentials,

    /** Starts the session an authorization code promised (its `sessionId` is the code's). */
    async startForClient(
      accountId: string,
      sessionId: string,
      client: ClientGrant,
    ): Promise<ClientTokenPair | undefined> {
      const account = await deps.accounts.findById(accountId);
      if (account?.status !== 'active') return undefined;
      const pair = await issuePair(account.id, account.roles, sessionId, client);
      return { ...pair, scope: client.scope };
    },

    /** The refresh_token grant of an OAuth client. */
    refreshForClient: (refreshToken: string, clientId: string): Promise<ClientTokenPair> =>
      rotate(refreshToken, clientId),

    /** Ends one session (RP-initiated logout, a replayed authorization code), as logout does. */
    endSession: (sessionId: string, accountId: string): Promise<void> =>
      deps.revocations.revokeSession(sessionId, accountId),

    async refresh(refreshToken: string): Promise<TokenPair> {
      const { scope: _scope, ...pair } = await rotate(refreshToken, null);
      return pair;
    },

    async logout(refreshToken: string): Promise<void> {
      const row = await deps.refreshTokens.findByHash(hashToken(refreshToken));
      if (row) await deps.revocations.revokeSession(row.family_id, row.account_id);
    },

    /** The stored row of a refresh token, whatever its state (revocation and introspection). */
    findRefreshToken: (refreshToken: string): Promise<RefreshTokenRow | undefined> =>
      deps.refreshTokens.findByHash(hashToken(refreshToken)),
  };
}

export type Sessions = ReturnType<typeof createSessions>;
