import { type Database, migrateToLatest } from '@portico/db';
import { createServiceApp, validateAgainstSpec } from '@portico/lifecycle';
import type { Logger } from '@portico/logging';
import { specPath } from '@portico/openapi';
import { createTokenVerifier, requireAuth } from '@portico/token-auth';
import type { Express } from 'express';
import type { OrderConfig } from './config.js';
import { migrations } from './data/migrations.js';
import { createOrderRepository } from './data/order-repository.js';
import type { OrderDatabase } from './data/schema.js';
import { orderRoutes } from './routes/orders.routes.js';

export type OrderDeps = {
  config: OrderConfig;
  database: Database<OrderDatabase>;
  logger: Logger;
  validateResponses?: boolean;
};

/** Builds the order service on its database (migrated here); server.ts listens. */
export async function createOrderService(deps: OrderDeps): Promise<{ app: Express }> {
  const { config, database, logger } = deps;
  await migrateToLatest(database.db, migrations);
  const verifier = createTokenVerifier({
    jwksUrl: `${config.AUTH_SERVICE_URL}/.well-known/jwks.json`,
    issuer: config.TOKEN_ISSUER,
    audience: config.TOKEN_AUDIENCE,
  });

  const app = createServiceApp({
    service: 'order-service',
    logger,
    trustProxy: config.TRUST_PROXY,
    readiness: { database: database.ping },
    routes: (app) => {
      app.use(
        validateAgainstSpec(specPath('order'), {
          validateResponses: deps.validateResponses ?? false,
        }),
      );
      app.use(requireAuth(verifier));
      app.use('/api/v1/orders', orderRoutes(createOrderRepository(database.db)));
    },
  });
  return { app };
}
