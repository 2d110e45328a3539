import { type Database, migrateToLatest } from '@portico/db';
import { createServiceApp, validateAgainstSpec } from '@portico/lifecycle';
import type { Logger } from '@portico/logging';
import { specPath } from '@portico/openapi';
import { createTokenVerifier } from '@portico/token-auth';
import type { Express } from 'express';
import type { InventoryConfig } from './config.js';
import { migrations } from './data/migrations.js';
import { createProductRepository } from './data/product-repository.js';
import type { InventoryDatabase } from './data/schema.js';
import { seedDemoProducts } from './domain/demo-products.js';
import { productRoutes } from './routes/products.routes.js';

export type InventoryDeps = {
  config: InventoryConfig;
  database: Database<InventoryDatabase>;
  logger: Logger;
  now?: () => number;
  validateResponses?: boolean;
};

/** Builds the inventory service on its database (migrated, and seeded when asked); server.ts listens. */
export async function createInventoryService(deps: InventoryDeps): Promise<{ app: Express }> {
  const { config, database, logger } = deps;
  await migrateToLatest(database.db, migrations);
  const products = createProductRepository(database.db, deps.now ?? Date.now);
  if (config.SEED_DEMO_DATA === '1') await seedDemoProducts(products);
  const verifier = createTokenVerifier({
    jwksUrl: `${config.AUTH_SERVICE_URL}/.well-known/jwks.json`,
    issuer: config.TOKEN_ISSUER,
    audience: config.TOKEN_AUDIENCE,
  });

  const app = createServiceApp({
    service: 'inventory-service',
    logger,
    trustProxy: config.TRUST_PROXY,
    readiness: { database: database.ping },
    routes: (app) => {
      app.use(
        validateAgainstSpec(specPath('inventory'), {
          validateResponses: deps.validateResponses ?? false,
        }),
      );
      app.use('/api/v1/inventory/products', productRoutes({ products, verifier }));
    },
  });
  return { app };
}
