import type { RequestListener } from 'node:http';
import { readConfigOrExit } from '@portico/config';
import { createDatabase, type Database } from '@portico/db';
import { createLogger, type Logger } from '@portico/logging';
import type { Redis } from 'ioredis';
import { connectRedis } from './redis-client.js';
import { serve } from './serve.js';

/** The variables every service's config has (docs/architecture.md, "Environment"). */
export type ServiceConfig = {
  PORT: number;
  HOST: string;
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
  REDIS_URL?: string | undefined;
  LOG_LEVEL: string;
};

export type ServiceParts<C, DB> = {
  config: C;
  database: Database<DB>;
  logger: Logger;
  /** Set when REDIS_URL is: the cache tier, rate-limit store and event streams. */
  redis?: Redis;
  /** Aborted when the server starts draining on SIGTERM: long polls end early. */
  draining?: AbortSignal;
};

/**
 * What every service's `server.ts` does, once: read the config (or exit
 * naming the bad variable), open its database and Redis, build the app,
 * listen, and on SIGTERM drain requests before closing the app, Redis and
 * the database, in that order.
 */
export async function runService<C extends ServiceConfig, DB>(options: {
  service: string;
  /** The database file's name in embedded mode: `$DATA_DIR/<name>.db`. */
  database: string;
  readConfig: () => C;
  create: (
    parts: ServiceParts<C, DB>,
  ) => Promise<{ app: RequestListener; close: () => Promise<void> }>;
}): Promise<void> {
  const config = readConfigOrExit(options.readConfig);
  const logger = createLogger({ service: options.service, level: config.LOG_LEVEL });
  const database = createDatabase<DB>({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    service: options.database,
  });
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, logger) : undefined;
  const draining = new AbortController();
  const { app, close } = await options.create({
    config,
    database,
    logger,
    draining: draining.signal,
    ...(redis && { redis }),
  });

  await serve(app, {
    port: config.PORT,
    host: config.HOST,
    logger,
    handleSignals: true,
    draining,
    onClose: async () => {
      await close();
      redis?.disconnect();
      await database.close();
    },
  });
}
