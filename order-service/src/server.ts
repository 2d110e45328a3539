import { runService } from '@portico/lifecycle';
import { createOrderService } from './app.js';
import { readConfig } from './config.js';
import type { OrderDatabase } from './data/schema.js';

await runService<ReturnType<typeof readConfig>, OrderDatabase>({
  service: 'order-service',
  database: 'order',
  readConfig,
  create: createOrderService,
});
