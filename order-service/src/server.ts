import { readConfigOrExit } from '@portico/config';
import { createDatabase } from '@portico/db';
import { serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { createOrderService } from './app.js';
import { readConfig } from './config.js';
import type { OrderDatabase } from './data/schema.js';

const config = readConfigOrExit(() => readConfig());
const logger = createLogger({ service: 'order-service', level: config.LOG_LEVEL });
const database = createDatabase<OrderDatabase>({
  url: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  service: 'order',
});
const { app } = await createOrderService({ config, database, logger });

await serve(app, {
  port: config.PORT,
  host: config.HOST,
  logger,
  handleSignals: true,
  onClose: () => database.close(),
});
