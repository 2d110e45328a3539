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
export { readServerSentEvents, type ServerSentEvent } from './event-stream.js';
export { orderPages } from './order-pages.js';
export type { Session } from './session.js';
export { memoryTokenStore, type TokenStore, type Tokens } from './token-store.js';
export { type Order, type WatchOrderOptions, watchOrder } from './watch-order.js';
