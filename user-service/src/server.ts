import { runService } from '@portico/lifecycle';
import { createUserService } from './app.js';
import { readConfig } from './config.js';
import type { UserDatabase } from './data/schema.js';

await runService<ReturnType<typeof readConfig>, UserDatabase>({
  service: 'user-service',
  database: 'user',
  readConfig,
  create: createUserService,
});
