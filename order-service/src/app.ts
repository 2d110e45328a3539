import { migrateToLatest } from '@portico/db';
import { createFeedClient, createOutbox, eventFeedRoutes, startEventBus } from '@portico/events';
import { createServiceTokenProvider } from '@portico/http-client';
import { createServiceFrame, type FramedService, type ServiceDeps } from '@portico/lifecycle';
import { requireAuth } from '@portico/token-auth';
import { createUserDirectory } from '@portico/user-directory';
import type { OrderConfig } from './config.js';
import { migrations } from './data/migrations.js';
import { createOrderRepository } from './data/order-repository.js';
import type { OrderDatabase } from './data/schema.js';
import { inventoryEventHandlers } from './domain/inventory-event-handlers.js';
import { createOrderWatch } from './domain/order-watch.js';
import { createOrders } from './domain/orders.js';
import { startSagaTimeouts } from './domain/saga.js';
import { orderRoutes } from './routes/orders.routes.js';
import { ordersV2Routes } from './routes/orders-v2.routes.js';
import { createStreamSlots } from './routes/stream-slots.js';

export type OrderDeps = ServiceDeps<OrderConfig, OrderDatabase>;

/** Builds the order service on its database (migrated here) and starts its saga; server.ts listens. */
export async function createOrderService(deps: OrderDeps): Promise<FramedService> {
  const { config, database, logger, redis } = deps;
  const now = deps.now ?? Date.now;
  await migrateToLatest(database.db, migrations);

  const repository = createOrderRepository(database.db);
  const outbox = createOutbox(database.db, 'order');
  const users = createUserDirectory({
    owner: 'order-service',
    authUrl: config.AUTH_SERVICE_URL,
    userServiceUrl: config.USER_SERVICE_URL,
    clientId: config.SERVICE_CLIENT_ID,
    clientSecret: config.SERVICE_CLIENT_SECRET,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    ttlSeconds: config.USER_CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.USER_CACHE_NEGATIVE_TTL_SECONDS,
    redis,
    prefix: config.REDIS_PREFIX,
    logger,
  });
  const inventoryFeed = createFeedClient({
    name: 'inventory-service',
    baseUrl: config.INVENTORY_SERVICE_URL,
    tokenProvider: createServiceTokenProvider({
      authUrl: config.AUTH_SERVICE_URL,
      clientId: config.SERVICE_CLIENT_ID,
      clientSecret: config.SERVICE_CLIENT_SECRET,
    }),
  });
  const events = startEventBus({
    service: 'order-service',
    prefix: config.REDIS_PREFIX,
    db: database.db,
    logger,
    redis,
    outbox,
    consume: { handlers: inventoryEventHandlers(now), feeds: { inventory: inventoryFeed } },
  });
  const timeouts = startSagaTimeouts({
    outbox,
    timeoutMs: config.SAGA_TIMEOUT_MS,
    logger,
    now,
    overdue: repository.overdue,
  });
  const orders = createOrders({ repository, outbox, users: users.statuses, now });
  const watch = createOrderWatch({
    findMany: repository.findMany,
    intervalMs: config.ORDER_STREAM_POLL_MS,
    logger,
  });
  const slots = createStreamSlots({
    maxOpen: config.ORDER_STREAMS_MAX,
    maxPerUser: config.ORDER_STREAMS_PER_USER,
  });
  // Open event streams end when draining starts, or they would hold the drain.
  deps.draining?.addEventListener('abort', slots.endAll, { once: true });

  return createServiceFrame(deps, {
    service: 'order-service',
    spec: 'order',
    routes: (app, verifier) => {
      app.use(requireAuth(verifier));
      app.use('/api/v1/orders', orderRoutes({ orders, repository, watch, slots }));
      app.use('/api/v2/orders', ordersV2Routes({ orders, repository }));
      app.use('/internal/v1', eventFeedRoutes(outbox, deps.draining));
    },
    close: async () => {
      slots.endAll();
      watch.stop();
      await timeouts.stop();
      await events.stop();
      await Promise.all([users.close(), inventoryFeed.close()]);
    },
  });
}
