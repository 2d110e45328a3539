import { serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { createGateway } from './app.js';
import { loadGatewayConfigOrExit } from './config.js';
import { connectRedis } from './redis-client.js';

const config = loadGatewayConfigOrExit();
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, logger) : undefined;
const gateway = createGateway({ config, logger, redis });

// serve() bounds a slow client: headers within 10 s, the whole request body
// within 30 s (1 MiB at the body limit is far inside that), idle keep-alive 5 s.
await serve(gateway.listener, {
  port: config.PORT,
  host: config.HOST,
  logger,
  handleSignals: true,
  onClose: async () => {
    await gateway.close();
    redis?.disconnect();
  },
});
