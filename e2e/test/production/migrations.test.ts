import { createDatabase, type Database } from '@portico/db';
import { createLogger } from '@portico/logging';
import pg from 'pg';
import { createAuthService } from '../../../auth-service/src/app.js';
import { readConfig as readAuthConfig } from '../../../auth-service/src/config.js';
import { migrations as authMigrations } from '../../../auth-service/src/data/migrations.js';
import { createInventoryService } from '../../../inventory-service/src/app.js';
import { readConfig as readInventoryConfig } from '../../../inventory-service/src/config.js';
import { migrations as inventoryMigrations } from '../../../inventory-service/src/data/migrations.js';
import { createOrderService } from '../../../order-service/src/app.js';
import { readConfig as readOrderConfig } from '../../../order-service/src/config.js';
import { migrations as orderMigrations } from '../../../order-service/src/data/migrations.js';
import { createUserService } from '../../../user-service/src/app.js';
import { readConfig as readUserConfig } from '../../../user-service/src/config.js';
import { migrations as userMigrations } from '../../../user-service/src/data/migrations.js';
import { isolatedPostgres } from '../support/stores.js';

const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl)
  process.stderr.write('Concurrent migration test skipped: TEST_DATABASE_URL is not set.\n');
const describeIf = adminUrl ? describe : describe.skip;

// Nothing listens on port 9: the event followers retry quietly until closed.
const nowhere = 'http://127.0.0.1:9';
const env = {
  AUTH_SERVICE_URL: nowhere,
  USER_SERVICE_URL: nowhere,
  ORDER_SERVICE_URL: nowhere,
  INVENTORY_SERVICE_URL: nowhere,
  SEED_DEMO_DATA: '1',
  // Both auth replicas also create the same admin at once: one insert wins, the other updates it.
  ADMIN_EMAIL: 'admin@portico.test',
  ADMIN_PASSWORD: 'admin-password-123',
};

type Replica = { close: () => Promise<void> };
// biome-ignore lint/suspicious/noExplicitAny: each factory takes its own schema's Database.
type Start = (database: Database<any>) => Promise<Replica>;

const logger = (service: string) => createLogger({ service, level: 'silent' });
const services: [string, Record<string, unknown>, Start][] = [
  [
    'auth',
    authMigrations,
    async (database) => {
      const s = await createAuthService({
        config: readAuthConfig(env),
        database,
        logger: logger('auth'),
      });
      return { close: s.stop };
    },
  ],
  [
    'user',
    userMigrations,
    (database) =>
      createUserService({ config: readUserConfig(env), database, logger: logger('user') }),
  ],
  [
    'order',
    orderMigrations,
    (database) =>
      createOrderService({ config: readOrderConfig(env), database, logger: logger('order') }),
  ],
  [
    'inventory',
    inventoryMigrations,
    (database) =>
      createInventoryService({
        config: readInventoryConfig(env),
        database,
        logger: logger('inventory'),
      }),
  ],
];

describeIf('migrations when two replicas start at once (PostgreSQL)', () => {
  const postgres = isolatedPostgres(adminUrl ?? '');
  afterAll(() => postgres.dropAll());

  it.each(services)(
    'when two %s-service replicas start together on one fresh database, then both start and each migration is recorded once',
    async (service, migrations, start) => {
      const { url } = await postgres.create(service);
      const databases = [0, 1].map(() => createDatabase({ url, service, poolSize: 3 }));
      try {
        const started = await Promise.allSettled(databases.map(start));
        for (const result of started) if (result.status === 'fulfilled') await result.value.close();
        expect(started.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);

        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const recorded = await client.query(
            'select name, count(*)::int as times from kysely_migration group by name order by name',
          );
          expect(recorded.rows).toEqual(
            Object.keys(migrations)
              .sort()
              .map((name) => ({ name, times: 1 })),
          );
        } finally {
          await client.end();
        }
      } finally {
        for (const database of databases) await database.close();
      }
    },
  );
});
