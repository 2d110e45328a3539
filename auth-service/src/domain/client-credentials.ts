import { createHash, timingSafeEqual } from 'node:crypto';
import { BadRequestError, UnauthorizedError } from '@portico/errors';
import type { ServiceClientRepository } from '../data/service-client-repository.js';
import { AUTH_ERRORS } from '../errors.js';
import { grantScopes } from './service-clients.js';
import type { TokenIssuer } from './token-issuer.js';

export const hashClientSecret = (secret: string) =>
  createHash('sha256').update(secret).digest('hex');

const invalidClient = () =>
  new UnauthorizedError('Client authentication failed.', AUTH_ERRORS.INVALID_CLIENT.code, {
    headers: { 'www-authenticate': 'Basic realm="portico"' },
  });

/** Reads client_secret_basic (RFC 6749 §2.3.1) or falls back to the form fields. */
export function clientFromRequest(
  authorization: string | undefined,
  form: { client_id?: string; client_secret?: string },
): { clientId: string; clientSecret: string } {
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw invalidClient();
    // Both parts are form-encoded (RFC 6749 §2.3.1); a broken escape is a bad client, not a 500.
    try {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon)),
        clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
      };
    } catch {
      throw invalidClient();
    }
  }
  if (!form.client_id || !form.client_secret) throw invalidClient();
  return { clientId: form.client_id, clientSecret: form.client_secret };
}

/** The OAuth 2.0 client credentials grant, for service-to-service tokens. */
export function createClientCredentials(repository: ServiceClientRepository, issuer: TokenIssuer) {
  return {
    async issue(clientId: string, clientSecret: string, scope: string | undefined) {
      const stored = await repository.findSecretHash(clientId);
      const given = Buffer.from(hashClientSecret(clientSecret));
      if (!stored || !timingSafeEqual(Buffer.from(stored), given)) throw invalidClient();
      const scopes = grantScopes(clientId, scope);
      if (!scopes)
        throw new BadRequestError(
          'A requested scope is not allowed for this client.',
          AUTH_ERRORS.INVALID_SCOPE.code,
        );
      return {
        access_token: await issuer.forService(clientId, scopes),
        token_type: 'Bearer' as const,
        expires_in: issuer.serviceTtlSeconds,
        scope: scopes.join(' '),
      };
    },
  };
}
