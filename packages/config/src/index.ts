export {
  httpUrl,
  isProduction,
  logLevel,
  nonNegativeInt,
  port,
  positiveInt,
  redisUrl,
  secret,
} from './fields.js';
export { ConfigError, loadConfig, loadConfigOrExit } from './load-config.js';
