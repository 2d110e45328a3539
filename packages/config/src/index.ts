export {
  DEFAULT_URLS,
  httpUrl,
  isProduction,
  logLevel,
  nonNegativeInt,
  port,
  positiveInt,
  redisUrl,
  secret,
  tokenAudience,
  tokenIssuer,
} from './fields.js';
export { ConfigError, loadConfig, loadConfigOrExit } from './load-config.js';
