import { migrateToLatest } from '@portico/db';
import { createFeedClient, createOutbox, eventFeedRoutes, startEventBus } from '@portico/events';
import { createServiceTokenProvider } from '@portico/http-client';
import { createServiceFrame, type FramedService, type ServiceDeps } from '@portico/lifecycle';
import { requireAuth } from '@portico/token-auth';
import type { InventoryConfig } from './config.js';
import { migrations } from './data/migrations.js';
import { createProductRepository } from './data/product-repository.js';
import { createReservationRepository } from './data/reservation-repository.js';
import type { InventoryDatabase } from './data/schema.js';
import { seedDemoProducts } from './domain/demo-products.js';
import { orderEventHandlers } from './domain/order-event-handlers.js';
import { ORDER_SOURCE } from './domain/saga-contracts.js';
import { internalRoutes } from './routes/internal.routes.js';
import { productRoutes } from './routes/products.routes.js';

export type InventoryDeps = ServiceDeps<InventoryConfig, InventoryDatabase>;

/**
 * Builds the inventory service on its database (migrated, and seeded when
 * asked) and starts its side of the order saga; server.ts listens.
 */
export async function createInventoryService(deps: InventoryDeps): Promise<FramedService> {
  const { config, database, logger, redis } = deps;
  const now = deps.now ?? Date.now;
  await migrateToLatest(database.db, migrations);
  const products = createProductRepository(database.db, now);
  if (config.SEED_DEMO_DATA === '1') await seedDemoProducts(products);

  // No scope asked for: the client gets what it may hold (`events:read`).
  const tokens = createServiceTokenProvider({
    authUrl: config.AUTH_SERVICE_URL,
    clientId: config.SERVICE_CLIENT_ID,
    clientSecret: config.SERVICE_CLIENT_SECRET,
  });
  const orderFeed = createFeedClient({
    name: 'order-service',
    baseUrl: config.ORDER_SERVICE_URL,
    tokenProvider: tokens,
  });
  const outbox = createOutbox(database.db, 'inventory');
  const events = startEventBus({
    service: 'inventory-service',
    db: database.db,
    logger,
    redis,
    prefix: config.REDIS_PREFIX,
    outbox,
    consume: { handlers: orderEventHandlers(now), feeds: { [ORDER_SOURCE]: orderFeed } },
  });

  return createServiceFrame(deps, {
    service: 'inventory-service',
    spec: 'inventory',
    routes: (app, verifier) => {
      app.use('/api/v1/inventory/products', productRoutes({ products, verifier }));
      app.use('/internal/v1', requireAuth(verifier));
      app.use(
        '/internal/v1',
        internalRoutes({ reservations: createReservationRepository(database.db, now) }),
      );
      app.use('/internal/v1', eventFeedRoutes(outbox, deps.draining));
    },
    close: async () => {
      await events.stop();
      await orderFeed.close();
    },
  });
}
