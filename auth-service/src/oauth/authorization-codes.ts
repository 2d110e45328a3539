import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AuthorizationCodeRepository } from '../data/authorization-code-repository.js';
import type { ClientTokenPair, Sessions } from '../domain/sessions.js';
import type { AuthorizationRequest } from './authorization-request.js';
import type { OAuthClient } from './clients.js';
import type { IdTokens } from './id-token.js';
import { invalidGrant, invalidRequest } from './oauth-errors.js';

/** OAuth 2.1 §4.1.2: a code lives briefly; one minute is the longest the issue allows. */
const CODE_TTL_MS = 60_000;
/** RFC 7636 §4.1: 43–128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

export type CodeTokens = ClientTokenPair & { id_token?: string };

/**
 * One-time authorization codes: 256 random bits, stored as SHA-256 and bound
 * to the client, redirect_uri, PKCE challenge, account, nonce and scope.
 * A code names its session before it is redeemed, so presenting it a second
 * time revokes whatever the first redemption issued (RFC 6749 §4.1.2).
 */
export function createAuthorizationCodes(deps: {
  repository: AuthorizationCodeRepository;
  sessions: Sessions;
  idTokens: IdTokens;
  now: () => number;
}) {
  return {
    async issue(request: AuthorizationRequest, accountId: string): Promise<string> {
      const code = randomBytes(32).toString('base64url');
      const now = deps.now();
      await deps.repository.deleteExpired(now);
      await deps.repository.insert({
        code_hash: sha256(code),
        client_id: request.clientId,
        redirect_uri: request.redirectUri,
        code_challenge: request.codeChallenge,
        account_id: accountId,
        session_id: randomUUID(),
        scope: request.scope.join(' '),
        nonce: request.nonce ?? null,
        auth_time: now,
        state: 'issued',
        expires_at: now + CODE_TTL_MS,
      });
      return code;
    },

    /** The authorization_code grant (OAuth 2.1 §4.1.3) for an authenticated client. */
    async redeem(
      client: OAuthClient,
      form: { code?: string; redirect_uri?: string; code_verifier?: string },
    ): Promise<CodeTokens> {
      const { code, redirect_uri: redirectUri, code_verifier: verifier } = form;
      if (!code || !redirectUri) throw invalidRequest('code and redirect_uri are required.');
      if (!verifier) throw invalidRequest('code_verifier is required (PKCE).');
      if (!CODE_VERIFIER.test(verifier))
        throw invalidRequest('code_verifier must be 43–128 unreserved characters.');
      const row = await deps.repository.findByHash(sha256(code));
      if (!row) throw invalidGrant('The authorization code is not valid.');
      if (row.state !== 'issued') {
        await deps.sessions.endSession(row.session_id, row.account_id);
        throw invalidGrant('The authorization code was already used; its tokens are revoked.');
      }
      // Bindings are checked before the code is spent: a thief's wrong guess
      // must not burn the code of the client it was issued to.
      if (row.client_id !== client.clientId)
        throw invalidGrant('The authorization code was issued to another client.');
      if (row.redirect_uri !== redirectUri)
        throw invalidGrant('redirect_uri differs from the authorization request.');
      if (row.expires_at <= deps.now()) throw invalidGrant('The authorization code has expired.');
      if (sha256(verifier) !== row.code_challenge)
        throw invalidGrant('code_verifier does not match the code_challenge.');
      if (!(await deps.repository.redeem(row.code_hash))) {
        // Another redemption won the race: a replay at the same moment.
        await deps.sessions.endSession(row.session_id, row.account_id);
        throw invalidGrant('The authorization code was already used; its tokens are revoked.');
      }
      const tokens = await deps.sessions.startForClient(row.account_id, row.session_id, {
        clientId: client.clientId,
        scope: row.scope,
      });
      if (!tokens) throw invalidGrant('The account is disabled.');
      if (!row.scope.split(' ').includes('openid')) return tokens;
      const idToken = await deps.idTokens.sign({
        accountId: row.account_id,
        clientId: client.clientId,
        sessionId: row.session_id,
        authTime: row.auth_time,
        nonce: row.nonce ?? undefined,
      });
      return { ...tokens, id_token: idToken };
    },
  };
}

export type AuthorizationCodes = ReturnType<typeof createAuthorizationCodes>;
