export {
  DEFAULT_URLS,
  httpUrl,
  isProduction,
  isPublishedSecret,
  logFormat,
  logLevel,
  nonNegativeInt,
  PUBLISHED_SECRETS,
  port,
  positiveInt,
  redisPrefix,
  redisUrl,
  secret,
  tokenAudience,
  tokenIssuer,
} from './fields.js';
export { ConfigError, loadConfig, readConfigOrExit } from './load-config.js';
export { serviceEnvShape } from './service-env.js';
