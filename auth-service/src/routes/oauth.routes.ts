import { ForbiddenError, HttpError, UnauthorizedError } from '@portico/errors';
import type { SpecRequest } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/auth';
import { InvalidTokenError, type TokenVerifier } from '@portico/token-auth';
import { type Request, type Response, Router } from 'express';
import { decodeJwt } from 'jose';
import type { AccountRepository } from '../data/account-repository.js';
import type { Sessions } from '../domain/sessions.js';
import type { AuthorizationCodes } from '../oauth/authorization-codes.js';
import { checkAuthorizationRequest, redirectWith } from '../oauth/authorization-request.js';
import type { OAuthClients } from '../oauth/clients.js';
import type { IdTokens } from '../oauth/id-token.js';
import { sendLoginPage, sendMessagePage } from '../oauth/login-page.js';
import type { LoginRequests } from '../oauth/login-requests.js';

type Login = operations['submitLogin'];

const bearerChallenge = (error: 'invalid_token' | 'insufficient_scope', description: string) =>
  `Bearer realm="portico", error="${error}", error_description="${description}"`;

/** A redirect with no body (express's would add "Found. Redirecting to …"); uncached, as it may carry a code. */
const redirect = (res: Response, status: 302 | 303, location: string) =>
  res.status(status).set('cache-control', 'no-store').location(location).end();

const START_AGAIN = 'Go back to the application and sign in again.';

/**
 * The browser side of OAuth 2.1 and OpenID Connect: the authorization
 * endpoint and its hosted login page, userinfo and RP-initiated logout.
 */
export function oauthRoutes(deps: {
  clients: OAuthClients;
  codes: AuthorizationCodes;
  loginRequests: LoginRequests;
  sessions: Sessions;
  idTokens: IdTokens;
  accounts: AccountRepository;
  verifier: TokenVerifier;
  /** Revoked tokens and ended sessions (revocations.ts) are refused as the gateway refuses them. */
  isRevoked: (caller: { jti: string; sub: string; iat: number; sid?: string }) => Promise<boolean>;
  issuer: string;
  publicBaseUrl: string;
}): Router {
  const router = Router();
  const publicOrigin = new URL(deps.publicBaseUrl).origin;

  router.get('/authorize', async (req, res) => {
    const checked = checkAuthorizationRequest(req.query, deps.clients);
    if (checked.outcome === 'refuse') {
      sendMessagePage(res, 400, 'Sign-in request refused', checked.message);
      return;
    }
    if (checked.outcome === 'error') {
      const { redirectUri, error, description, state } = checked;
      redirect(
        res,
        302,
        redirectWith(redirectUri, {
          error,
          error_description: description,
          state,
          iss: deps.issuer,
        }),
      );
      return;
    }
    const { handle, csrfToken } = await deps.loginRequests.open(req, res, checked.request);
    sendLoginPage(res, 200, { clientName: checked.client.name, handle, csrfToken });
  });

  router.post('/authorize', async (req: SpecRequest<Login>, res) => {
    const form = req.body;
    // Belt and braces beside the CSRF cookie: a browser says where a post comes from. The page's
    // `Referrer-Policy: no-referrer` makes its own posts say `Origin: null` (Fetch §3.1).
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    if (
      (site !== undefined && site !== 'same-origin' && site !== 'none') ||
      (origin !== undefined && origin !== 'null' && origin !== publicOrigin)
    ) {
      sendMessagePage(
        res,
        403,
        'Sign-in refused',
        `This form was sent from another site. ${START_AGAIN}`,
      );
      return;
    }
    const resumed = await deps.loginRequests.resume(req, form);
    if ('refused' in resumed) {
      const [status, text] =
        resumed.refused === 'forged'
          ? [403, 'This form was not sent by this sign-in page.']
          : [400, 'This sign-in page has expired.'];
      sendMessagePage(res, status, 'Sign-in refused', `${text} ${START_AGAIN}`);
      return;
    }
    const { request } = resumed;
    const client = deps.clients.get(request.clientId);
    if (!client?.redirectUris.includes(request.redirectUri)) {
      sendMessagePage(res, 400, 'Sign-in refused', 'The application is no longer registered here.');
      return;
    }
    let accountId: string;
    try {
      accountId = (await deps.sessions.authenticate(form.email, form.password, req.ip ?? 'unknown'))
        .id;
    } catch (error) {
      if (!(error instanceof HttpError) || (error.status >= 500 && error.status !== 503))
        throw error;
      res.set(error.headers);
      // Wrong credentials show the form again, with one message for every bad credential.
      sendLoginPage(res, error.status === 401 ? 400 : error.status, {
        clientName: client.name,
        handle: form.request,
        csrfToken: form.csrf_token,
        email: form.email,
        error: error.status === 401 ? 'The email or password is wrong.' : error.message,
      });
      return;
    }
    const code = await deps.codes.issue(request, accountId);
    // 303 after a POST, so the browser follows with a GET (RFC 9700 §4.12).
    redirect(
      res,
      303,
      redirectWith(request.redirectUri, { code, state: request.state, iss: deps.issuer }),
    );
  });

  const userinfo = async (req: Request, res: Response) => {
    const header = req.headers.authorization;
    const token = header?.match(/^Bearer ([^\s]+)$/i)?.[1];
    const refuse = () =>
      new UnauthorizedError('A valid access token is required.', 'INVALID_TOKEN', {
        headers: {
          'www-authenticate': bearerChallenge('invalid_token', 'The access token is not valid.'),
        },
      });
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
      throw new ForbiddenError('The access token lacks the openid scope.', 'INSUFFICIENT_SCOPE', {
        headers: {
          'www-authenticate': bearerChallenge(
            'insufficient_scope',
            'The openid scope is required.',
          ),
        },
      });
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
