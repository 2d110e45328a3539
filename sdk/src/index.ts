export {
  type BrowserLogin,
  type BrowserLoginOptions,
  createBrowserLogin,
  type IdTokenClaims,
  OAuthError,
  type OAuthTokens,
  type PendingStore,
} from './browser-login.js';
export { createPortico, type Portico, type PorticoOptions } from './create-portico.js';
export { PorticoError, type Problem, toPorticoError, unwrap } from './errors.js';
export type { Session } from './session.js';
export { memoryTokenStore, type TokenStore, type Tokens } from './token-store.js';
