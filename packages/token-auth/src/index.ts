export type { Caller } from './caller.js';
export { TOKEN_AUTH_ERRORS } from './errors.js';
export {
  bearerToken,
  callerOf,
  requireAuth,
  requireRole,
  requireScope,
  requireUser,
} from './middleware.js';
export {
  createRevocationList,
  type RevocationList,
  type RevocationSnapshot,
} from './revocation-list.js';
export {
  createTokenVerifier,
  InvalidTokenError,
  type TokenVerifier,
  type VerifierOptions,
} from './verifier.js';
