import { requireAuth, requireRole, type TokenVerifier } from '@portico/token-auth';
import { Router } from 'express';
import type { AccountRepository } from '../data/account-repository.js';
import { type KeyRing, SIGNING_ALG } from '../domain/key-ring.js';
import type { RotationThrottle } from '../domain/rotation-throttle.js';
import { OAUTH_SCOPES } from '../oauth/clients.js';
import { requireCurrentAdmin } from './current-admin.js';

/** How long verifiers may cache the key set: short next to the next key's lead time. */
const JWKS_MAX_AGE_SECONDS = 300;

export function keyRoutes(deps: {
  keyRing: KeyRing;
  accounts: AccountRepository;
  rotationThrottle: RotationThrottle;
  verifier: TokenVerifier;
  issuer: string;
  publicBaseUrl: string;
}): Router {
  const router = Router();

  router.get('/.well-known/jwks.json', async (_req, res) => {
    res
      .set('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
      .json(await deps.keyRing.jwks());
  });

  // OpenID Connect Discovery 1.0 and RFC 8414: what this server does, and nothing it does not
  // (no `password` grant: the JSON login is Portico's own API, not an OAuth grant).
  const auth = `${deps.publicBaseUrl}/api/v1/auth`;
  const discovery = {
    issuer: deps.issuer,
    authorization_endpoint: `${auth}/authorize`,
    token_endpoint: `${auth}/token`,
    userinfo_endpoint: `${auth}/userinfo`,
    end_session_endpoint: `${auth}/end-session`,
    revocation_endpoint: `${auth}/revoke`,
    introspection_endpoint: `${auth}/introspect`,
    jwks_uri: `${deps.publicBaseUrl}/.well-known/jwks.json`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    scopes_supported: [...OAUTH_SCOPES],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'sid',
      'azp',
      'email',
      'name',
    ],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    prompt_values_supported: ['none', 'login'],
    authorization_response_iss_parameter_supported: true,
  };
  router.get('/.well-known/openid-configuration', (_req, res) => {
    res.set('cache-control', 'public, max-age=3600').json(discovery);
  });

  router.post(
    '/api/v1/auth/keys/rotate',
    requireAuth(deps.verifier),
    requireRole('admin'),
    requireCurrentAdmin(deps.accounts),
    async (_req, res) => {
      await deps.rotationThrottle.take();
      res.json(await deps.keyRing.rotate());
    },
  );

  return router;
}
