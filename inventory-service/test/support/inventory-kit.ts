import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database } from '@portico/db';
import { serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { createInventoryService } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import type { InventoryDatabase } from '../../src/data/schema.js';

export type InventoryKit = {
  url: string;
  database: Database<InventoryDatabase>;
  stop: () => Promise<void>;
};

/**
 * The inventory service listening on port 0 over a fresh SQLite file,
 * verifying tokens against `authUrl` and following the order feed at `orderUrl`.
 */
export async function startInventory(env: {
  authUrl: string;
  orderUrl: string;
}): Promise<InventoryKit> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-inventory-'));
  const database = createDatabase<InventoryDatabase>({
    url: join(dir, 'inventory.db'),
    service: 'inventory',
  });
  const logger = createLogger({ service: 'inventory-service', level: 'silent' });
  const service = await createInventoryService({
    config: readConfig({ AUTH_SERVICE_URL: env.authUrl, ORDER_SERVICE_URL: env.orderUrl }),
    database,
    logger,
    validateResponses: true,
  });
  const served = await serve(service.app, {
    port: 0,
    host: '127.0.0.1',
    logger,
    onClose: async () => {
      await service.close();
      await database.close();
    },
  });
  return {
    url: served.url,
    database,
    async stop() {
      await served.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A JSON call: status and parsed body. */
export async function call(
  base: string,
  path: string,
  options: { method?: string; body?: unknown; token?: string } = {},
) {
  const res = await fetch(`${base}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...(options.token && { authorization: `Bearer ${options.token}` }),
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are asserted field by field
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}
