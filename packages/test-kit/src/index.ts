export { type EventuallyOptions, eventually, untilPasses } from './eventually.js';
export { JWKS_PATH, type JwksServer, jwksDocument, startJwksServer } from './jwks.js';
export { type Listening, listenLocally } from './listen.js';
export { freePort, freePorts, refusedUrl } from './ports.js';
export {
  accessToken,
  b64url,
  makeKey,
  now,
  type SigningKey,
  segment,
  signRaw,
} from './signing.js';
export {
  type SeenCall,
  sendJson,
  startUpstream,
  type Upstream,
  type UpstreamHandler,
} from './upstream.js';
