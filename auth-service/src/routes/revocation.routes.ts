import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/auth';
import {
  bearerToken,
  callerOf,
  InvalidTokenError,
  requireAuth,
  requireUser,
  type TokenVerifier,
} from '@portico/token-auth';
import { Router } from 'express';
import type { Revocations } from '../domain/revocations.js';
import { clientOf, type TokenInspection } from '../domain/token-inspection.js';
import type { OAuthClient, OAuthClients } from '../oauth/clients.js';
import { invalidClient, OAuthError } from '../oauth/oauth-errors.js';

type Revoke = operations['revokeToken'];
type Introspect = operations['introspectToken'];

/** The scope a service token needs to introspect (domain/service-clients.ts grants it). */
export const INTROSPECT_SCOPE = 'tokens:introspect';

/**
 * `/api/v1/auth/revoke` (RFC 7009), `/introspect` (RFC 7662) and `/logout-all`.
 * Bodies were validated against openapi/auth.yaml; errors of the first two
 * are rendered by oauthErrorHandler (app.ts) so OAuth clients can read them.
 */
export function revocationRoutes(deps: {
  clients: OAuthClients;
  inspection: TokenInspection;
  revocations: Revocations;
  verifier: TokenVerifier;
}): Router {
  const router = Router();

  router.post('/revoke', async (req: SpecRequest<Revoke>, res: SpecResponse<Revoke>) => {
    const { token, client_id, client_secret } = req.body;
    // A first-party app (JSON login, no OAuth client) proves itself by holding
    // the token: RFC 7009 §5 leaves who may revoke to the server's policy. A
    // Bearer header is no client authentication (an SDK may send it anyway): ignored.
    const authorization = req.headers.authorization;
    const basic = authorization !== undefined && !/^bearer /i.test(authorization);
    const named = basic || client_id !== undefined;
    const client = named
      ? deps.clients.authenticate(basic ? authorization : undefined, {
          ...(client_id !== undefined && { client_id }),
          ...(client_secret !== undefined && { client_secret }),
        })
      : undefined;
    res.set('cache-control', 'no-store');
    const found = await deps.inspection.find(token);
    if (found?.kind === 'access' && typeof found.claims.client_id === 'string') {
      throw new OAuthError(
        400,
        'unsupported_token_type',
        'Service tokens cannot be revoked; they expire within minutes.',
      );
    }
    // Unknown, invalid, already revoked, or another client's: 200 and nothing done
    // (RFC 7009 §2.2), so a client learns nothing about tokens that are not its own.
    if (found && clientOf(found) === client?.clientId) {
      if (found.kind === 'access') {
        const { jti, sub, exp } = found.claims;
        await deps.revocations.revokeAccessToken({ jti, sub, exp: exp! });
      } else if (found.row.state !== 'revoked') {
        await deps.revocations.revokeSession(found.row.family_id, found.row.account_id);
      }
    }
    res.status(200).end();
  });

  router.post(
    '/introspect',
    async (req: SpecRequest<Introspect>, res: SpecResponse<Introspect>) => {
      const { token, client_id, client_secret } = req.body;
      const caller = await introspectionCaller(deps, req.headers.authorization, {
        ...(client_id !== undefined && { client_id }),
        ...(client_secret !== undefined && { client_secret }),
      });
      res.set('cache-control', 'no-store');
      const answer = await deps.inspection.introspect(token);
      // A confidential client sees only its own tokens; a service with the scope sees all.
      const visible =
        caller === 'service' || (answer.active && answer.client_id === caller.clientId);
      res.json(visible ? answer : { active: false });
    },
  );

  router.post('/logout-all', requireAuth(deps.verifier), requireUser, async (req, res) => {
    await deps.revocations.signOutEverywhere(callerOf(req).sub);
    res.status(204).end();
  });

  return router;
}

/**
 * Who may introspect (RFC 7662 §2.1): a confidential OAuth client by its
 * secret, or a Portico service by a service token with `tokens:introspect`.
 */
async function introspectionCaller(
  deps: { clients: OAuthClients; verifier: TokenVerifier },
  authorization: string | undefined,
  form: { client_id?: string; client_secret?: string },
): Promise<OAuthClient | 'service'> {
  const bearer = bearerToken(authorization);
  if (bearer === null) {
    const client = deps.clients.authenticate(authorization, form);
    if (client.type !== 'confidential') throw invalidClient();
    return client;
  }
  try {
    const caller = await deps.verifier.verify(bearer);
    if (caller.kind === 'service' && caller.scopes.includes(INTROSPECT_SCOPE)) return 'service';
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
  }
  throw new OAuthError(
    401,
    'invalid_client',
    `This needs a service token with "${INTROSPECT_SCOPE}".`,
    {
      headers: { 'www-authenticate': 'Bearer realm="portico", error="invalid_token"' },
    },
  );
}
