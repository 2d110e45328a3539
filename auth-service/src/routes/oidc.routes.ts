import { ForbiddenError, UnauthorizedError } from '@portico/errors';
import { InvalidTokenError, TOKEN_AUTH_ERRORS, type TokenVerifier } from '@portico/token-auth';
import { type Request, type Response, Router } from 'express';
import { decodeJwt } from 'jose';
import type { AccountRepository } from '../data/account-repository.js';
import type { Sessions } from '../domain/sessions.js';
import { AUTH_ERRORS } from '../errors.js';
import type { OAuthClients } from '../oauth/clients.js';
import type { IdTokens } from '../oauth/id-token.js';
import { sendMessagePage } from '../oauth/login-page.js';
import { redirect, redirectWith } from '../oauth/redirects.js';

const bearerChallenge = (error: 'invalid_token' | 'insufficient_scope', description: string) =>
  `Bearer realm="portico", error="${error}", error_description="${description}"`;

/** OpenID Connect for the relying parties: userinfo (Core §5.3) and RP-initiated logout. */
export function oidcRoutes(deps: {
  clients: OAuthClients;
  sessions: Sessions;
  idTokens: IdTokens;
  accounts: AccountRepository;
  verifier: TokenVerifier;
  /** Revoked tokens and ended sessions (revocations.ts) are refused as the gateway refuses them. */
  isRevoked: (caller: { jti: string; sub: string; iat: number; sid?: string }) => Promise<boolean>;
}): Router {
  const router = Router();

  const userinfo = async (req: Request, res: Response) => {
    const header = req.headers.authorization;
    const token = header?.match(/^Bearer ([^\s]+)$/i)?.[1];
    const refuse = () =>
      new UnauthorizedError(
        'A valid access token is required.',
        TOKEN_AUTH_ERRORS.INVALID_TOKEN.code,
        {
          headers: {
            'www-authenticate': bearerChallenge('invalid_token', 'The access token is not valid.'),
          },
        },
      );
    if (!token) throw refuse();
    let caller: Awaited<ReturnType<TokenVerifier['verify']>>;
    try {
      caller = await deps.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw refuse();
      throw error;
    }
    if (caller.kind !== 'user' || (await deps.isRevoked(caller))) throw refuse();
    // The verifier checked the signature; the scope is read from the same, verified token.
    const claims = decodeJwt(token);
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.includes('openid')) {
      throw new ForbiddenError(
        'The access token lacks the openid scope.',
        AUTH_ERRORS.INSUFFICIENT_SCOPE.code,
        {
          headers: {
            'www-authenticate': bearerChallenge(
              'insufficient_scope',
              'The openid scope is required.',
            ),
          },
        },
      );
    }
    const account = await deps.accounts.findById(caller.sub);
    if (account?.status !== 'active') throw refuse();
    res.set('cache-control', 'no-store').json({
      sub: account.id,
      ...(scopes.includes('email') && { email: account.email }),
      ...(scopes.includes('profile') && { name: account.name }),
    });
  };
  router.get('/userinfo', userinfo);
  router.post('/userinfo', userinfo);

  router.get('/end-session', async (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const refuse = (message: string) => sendMessagePage(res, 400, 'Sign-out refused', message);
    const hint = query.id_token_hint
      ? await deps.idTokens.readHint(query.id_token_hint)
      : undefined;
    if (query.id_token_hint && !hint)
      return refuse('The ID token hint is not one this server issued.');
    const audience = Array.isArray(hint?.aud) ? hint.aud[0] : hint?.aud;
    if (query.client_id && audience && query.client_id !== audience)
      return refuse('client_id does not match the ID token hint.');
    const clientId = query.client_id ?? audience;
    const target = query.post_logout_redirect_uri;
    // Exact match against the client's registered list: anything else would be an open redirect.
    if (target !== undefined) {
      const client = clientId ? deps.clients.get(clientId) : undefined;
      if (!client?.postLogoutRedirectUris.includes(target))
        return refuse('The application asked to return to an address it has not registered.');
    }
    if (typeof hint?.sid === 'string' && typeof hint.sub === 'string')
      await deps.sessions.endSession(hint.sid, hint.sub);
    if (target !== undefined)
      return redirect(res, 302, redirectWith(target, { state: query.state }));
    sendMessagePage(res, 200, 'Signed out', 'You are signed out. You can close this page.');
  });

  return router;
}
