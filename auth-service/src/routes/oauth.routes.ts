import { HttpError } from '@portico/errors';
import type { SpecRequest } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/auth';
import { type Request, Router } from 'express';
import type { Sessions } from '../domain/sessions.js';
import type { AuthorizationCodes } from '../oauth/authorization-codes.js';
import { checkAuthorizationRequest } from '../oauth/authorization-request.js';
import type { OAuthClients } from '../oauth/clients.js';
import { sendLoginPage, sendMessagePage } from '../oauth/login-page.js';
import type { LoginRequests } from '../oauth/login-requests.js';
import { redirect, redirectWith } from '../oauth/redirects.js';

type Login = operations['submitLogin'];

const START_AGAIN = 'Go back to the application and sign in again.';

/**
 * Belt and braces beside the CSRF cookie: a browser says where a post comes
 * from. The page's `Referrer-Policy: no-referrer` makes its own posts say
 * `Origin: null` (Fetch §3.1), so only a named foreign origin is refused.
 */
function fromAnotherSite(req: Request, publicOrigin: string): boolean {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  return (
    (site !== undefined && site !== 'same-origin' && site !== 'none') ||
    (origin !== undefined && origin !== 'null' && origin !== publicOrigin)
  );
}

/** The OAuth 2.1 authorization endpoint: the hosted login page and its form. */
export function oauthRoutes(deps: {
  clients: OAuthClients;
  codes: AuthorizationCodes;
  loginRequests: LoginRequests;
  sessions: Sessions;
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
    if (fromAnotherSite(req, publicOrigin)) {
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

  return router;
}
