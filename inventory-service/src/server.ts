import { readConfigOrExit } from '@portico/config';
import { createDatabase } from '@portico/db';
import { serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { Redis } from 'ioredis';
import { createInventoryService } from './app.js';
import { readConfig } from './config.js';
import type { InventoryDatabase } from './data/schema.js';

const config = readConfigOrExit(() => readConfig());
const logger = createLogger({ service: 'inventory-service', level: config.LOG_LEVEL });
const database = createDatabase<InventoryDatabase>({
  url: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  service: 'inventory',
});
const redis = config.REDIS_URL
  ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
  : undefined;
redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis unavailable'));
const { app, close } = await createInventoryService({
  config,
  database,
  logger,
  ...(redis && { redis }),
});

await serve(app, {
  port: config.PORT,
  host: config.HOST,
  logger,
  handleSignals: true,
  onClose: async () => {
    await close();
    redis?.disconnect();
    await database.close();
  },
});
