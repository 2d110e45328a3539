import { HttpError } from '@portico/errors';
import { clientFromRequest, type createClientCredentials } from '../domain/client-credentials.js';
import type { Sessions } from '../domain/sessions.js';
import { AUTH_ERRORS } from '../errors.js';
import type { AuthorizationCodes } from './authorization-codes.js';
import type { OAuthClients } from './clients.js';
import { invalidGrant, invalidRequest, OAuthError } from './oauth-errors.js';

export type TokenForm = {
  grant_type?: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
  code?: string;
  redirect_uri?: string;
  code_verifier?: string;
  refresh_token?: string;
};

/**
 * `POST /api/v1/auth/token` (RFC 6749 §3.2): service tokens for service
 * clients (client_credentials), and for OAuth clients the authorization_code
 * and refresh_token grants. Every refusal is an OAuthError (or becomes one in
 * oauthErrorHandler), so OAuth clients read RFC 6749 §5.2 `error` members.
 */
export function createTokenGrants(deps: {
  clients: OAuthClients;
  codes: AuthorizationCodes;
  sessions: Sessions;
  clientCredentials: ReturnType<typeof createClientCredentials>;
}) {
  async function refresh(authorization: string | undefined, form: TokenForm) {
    const client = deps.clients.authenticate(authorization, form);
    if (!form.refresh_token) throw invalidRequest('refresh_token is required.');
    // A `scope` here is not used: the family keeps the scope of its grant,
    // which the answer's `scope` states (RFC 6749 §5.1).
    try {
      return await deps.sessions.refreshForClient(form.refresh_token, client.clientId);
    } catch (error) {
      if (error instanceof HttpError && error.code === AUTH_ERRORS.INVALID_REFRESH_TOKEN.code)
        throw invalidGrant('The refresh token is not valid for this client.');
      throw error;
    }
  }

  return async function grant(authorization: string | undefined, form: TokenForm) {
    switch (form.grant_type) {
      case 'client_credentials': {
        const { clientId, clientSecret } = clientFromRequest(authorization, form);
        return deps.clientCredentials.issue(clientId, clientSecret, form.scope);
      }
      case 'authorization_code':
        return deps.codes.redeem(deps.clients.authenticate(authorization, form), form);
      case 'refresh_token':
        return refresh(authorization, form);
      case undefined:
        throw invalidRequest('grant_type is required.');
      default:
        throw new OAuthError(
          400,
          'unsupported_grant_type',
          'grant_type must be authorization_code, refresh_token or client_credentials.',
        );
    }
  };
}

export type TokenGrants = ReturnType<typeof createTokenGrants>;
