// The fastest Node peer with the gateway's own features, measured in the same
// run (issue 13): fastify 5 + @fastify/http-proxy (undici, through
// @fastify/reply-from) + @fastify/jwt (ES256 through fast-jwt, its verified-token
// cache on) + @fastify/rate-limit (memory store, never refusing) + one pino
// info line per request + a prom-client histogram per request. It checks the
// same bearer token against the same JWKS as the gateway, and forwards the
// same GET to the same backend.
//
// Env: PORT, TARGET_URL (required); TOKEN_ISSUER, TOKEN_AUDIENCE (the bench
// backend's defaults).
import { createPublicKey } from 'node:crypto';
import fastifyHttpProxy from '@fastify/http-proxy';
import fastifyJwt from '@fastify/jwt';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { LogController } from 'fastify';
import { pino } from 'pino';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

const target = /** @type {string} */ (process.env.TARGET_URL);
const issuer = process.env.TOKEN_ISSUER ?? 'http://127.0.0.1:8080';
const audience = process.env.TOKEN_AUDIENCE ?? 'portico-api';

/** The backend's signing key, as a PEM for fast-jwt: fetched once, as the gateway's JWKS is. */
async function publicKeyPem() {
  const res = await fetch(`${target}/.well-known/jwks.json`, { signal: AbortSignal.timeout(5000) });
  const { keys } = /** @type {{ keys: [import('node:crypto').JsonWebKey] }} */ (await res.json());
  return createPublicKey({ key: keys[0], format: 'jwk' }).export({ type: 'spki', format: 'pem' });
}

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Request duration',
  labelNames: ['method', 'route', 'status'],
  registers: [registry],
});

const app = Fastify({
  // Synchronous writes to stdout, as the gateway's logger (the bench sends stdout to /dev/null).
  loggerInstance: pino({ level: 'info' }, pino.destination({ dest: 1, sync: true })),
  // One line per request, written below, as the gateway writes one.
  logController: new LogController({ disableRequestLogging: true }),
});

await app.register(fastifyRateLimit, { max: 100_000_000, timeWindow: '1 minute' });
await app.register(fastifyJwt, {
  secret: { public: await publicKeyPem() },
  verify: { algorithms: ['ES256'], allowedIss: issuer, allowedAud: audience, cache: true },
});

app.addHook('onResponse', (request, reply, done) => {
  const route = request.routeOptions.url ?? 'unmatched';
  duration.observe(
    { method: request.method, route, status: reply.statusCode },
    reply.elapsedTime / 1000,
  );
  request.log.info(
    { method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime },
    'request',
  );
  done();
});

app.get('/healthz', async () => ({ status: 'ok' }));
app.get('/metrics', async (_request, reply) => {
  reply.type(registry.contentType);
  return registry.metrics();
});

await app.register(fastifyHttpProxy, {
  upstream: target,
  prefix: '/api',
  rewritePrefix: '/api',
  preHandler: async (request, reply) => {
    try {
      await request.jwtVerify();
    } catch {
      reply.code(401).send({ title: 'Unauthorized', status: 401 });
    }
  },
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => app.close().then(() => process.exit(0)));
}
