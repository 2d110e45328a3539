import { readConfigOrExit } from '@portico/config';
import { createDatabase } from '@portico/db';
import { serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { Redis } from 'ioredis';
import { createAuthService } from './app.js';
import { readConfig } from './config.js';
import type { AuthDatabase } from './data/schema.js';
import { startKeyRotation } from './domain/key-rotation-schedule.js';

const config = readConfigOrExit(() => readConfig());
const logger = createLogger({ service: 'auth-service', level: config.LOG_LEVEL });
const database = createDatabase<AuthDatabase>({
  url: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  service: 'auth',
});
const redis = config.REDIS_URL
  ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
  : undefined;
redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis unavailable'));

const { app, keyRing, stop } = await createAuthService({
  config,
  database,
  logger,
  ...(redis && { redis }),
});
const rotation = startKeyRotation({
  keyRing,
  intervalSeconds: config.KEY_ROTATION_INTERVAL_SECONDS,
  logger,
});

await serve(app, {
  port: config.PORT,
  host: config.HOST,
  logger,
  handleSignals: true,
  onClose: async () => {
    rotation.stop();
    await stop();
    redis?.disconnect();
    await database.close();
  },
});
