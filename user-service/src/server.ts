import { readConfigOrExit } from '@portico/config';
import { createDatabase } from '@portico/db';
import { serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { createUserService } from './app.js';
import { readConfig } from './config.js';
import type { UserDatabase } from './data/schema.js';

const config = readConfigOrExit(() => readConfig());
const logger = createLogger({ service: 'user-service', level: config.LOG_LEVEL });
const database = createDatabase<UserDatabase>({
  url: config.DATABASE_URL,
  dataDir: config.DATA_DIR,
  service: 'user',
});
const { app, close } = await createUserService({ config, database, logger });

await serve(app, {
  port: config.PORT,
  host: config.HOST,
  logger,
  handleSignals: true,
  onClose: async () => {
    await close();
    await database.close();
  },
});
