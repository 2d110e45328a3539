import { runService } from '@portico/lifecycle';
import { createInventoryService } from './app.js';
import { readConfig } from './config.js';
import type { InventoryDatabase } from './data/schema.js';

await runService<ReturnType<typeof readConfig>, InventoryDatabase>({
  service: 'inventory-service',
  database: 'inventory',
  readConfig,
  create: createInventoryService,
});
