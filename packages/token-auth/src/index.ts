export type { Caller } from './caller.js';
export {
  bearerToken,
  callerOf,
  requireAuth,
  requireRole,
  requireScope,
  requireUser,
} from './middleware.js';
export {
  createTokenVerifier,
  InvalidTokenError,
  type TokenVerifier,
  type VerifierOptions,
} from './verifier.js';
