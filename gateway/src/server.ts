import { readConfigOrExit } from '@portico/config';
import { connectRedis, serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { pino } from 'pino';
import { createGateway } from './app.js';
import { loadGatewayConfig } from './config.js';
import { limitConnectionsPerAddress } from './limits/connection-limit.js';
import { DEFAULT_ROUTES_FILE, loadRoutesFile } from './routing/routes-file.js';

/** Past MAX_CONNECTIONS_PER_ADDRESS, how many of an address's connections may wait, and how long. */
const WAITING_CONNECTIONS_PER_ADDRESS = 512;
const CONNECTION_WAIT_MS = 30_000;

const config = readConfigOrExit(() => loadGatewayConfig());
// Validated before anything starts: a bad file is a few lines naming file, line and column.
const routes = readConfigOrExit(() =>
  loadRoutesFile(config.GATEWAY_ROUTES_FILE ?? DEFAULT_ROUTES_FILE, config),
);
// One synchronous write(2) per line. pino's default stdout stream writes
// through libuv's thread pool, and while a write is in flight sonic-boom
// measures the byte length of its whole pending buffer again on every line
// appended: ~2.4 µs a line more (a pino microbenchmark; bench/README.md). A
// stdout that stops reading slows the gateway down instead of growing its memory.
const logger = createLogger({
  service: 'gateway',
  level: config.LOG_LEVEL,
  destination: pino.destination({ dest: 1, sync: true }),
});
const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, logger) : undefined;
const gateway = createGateway({ config, logger, redis, routes });
// `kill -HUP`: read the routes file again; a bad one is logged and changes nothing.
process.on('SIGHUP', () => gateway.reload());

// serve() bounds a slow client: headers within 10 s, the whole request body
// within 30 s (1 MiB at the body limit is far inside that), idle keep-alive 5 s.
await serve(gateway.listener, {
  upgrade: gateway.upgrade,
  ...(config.MAX_CONNECTIONS_PER_ADDRESS > 0 && {
    guard: (server) =>
      limitConnectionsPerAddress(server, {
        max: config.MAX_CONNECTIONS_PER_ADDRESS,
        maxWaiting: WAITING_CONNECTIONS_PER_ADDRESS,
        waitMs: CONNECTION_WAIT_MS,
      }),
  }),
  port: config.PORT,
  host: config.HOST,
  logger,
  handleSignals: true,
  onClose: async () => {
    await gateway.close();
    redis?.disconnect();
  },
});
