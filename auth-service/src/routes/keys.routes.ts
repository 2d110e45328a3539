import { requireAuth, requireRole, type TokenVerifier } from '@portico/token-auth';
import { Router } from 'express';
import type { AccountRepository } from '../data/account-repository.js';
import type { KeyRing } from '../domain/key-ring.js';
import type { RotationThrottle } from '../domain/rotation-throttle.js';
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

  router.get('/.well-known/openid-configuration', (_req, res) => {
    res.set('cache-control', 'public, max-age=3600').json({
      issuer: deps.issuer,
      jwks_uri: `${deps.publicBaseUrl}/.well-known/jwks.json`,
      token_endpoint: `${deps.publicBaseUrl}/api/v1/auth/token`,
      grant_types_supported: ['client_credentials', 'password', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
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
