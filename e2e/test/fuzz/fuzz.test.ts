import fc from 'fast-check';
import { loadPublicSpec } from '../../../gateway/src/admin/public-spec.js';
import { productionParts } from '../production/production-env.js';
import { call, type System, startSystem } from '../support/system.js';
import { checkCase, type Tally } from './check-case.js';
import type { FuzzCase } from './fuzz-case.js';
import { casesFor, validCasesFor } from './request-arbitrary.js';
import { closeConnections } from './send.js';
import { operationsOf, type Schema } from './spec-operations.js';
import { createWorld, type Snapshot, type World } from './world.js';

/**
 * Issue 7: requests generated from the published spec, valid and mutated, for
 * every public operation, through the gateway. CI runs FUZZ_RUNS cases per
 * operation (default 20) from FUZZ_SEED (default fixed); `npm run test:fuzz`
 * runs 150. A failure prints the request; FUZZ_SHRINK=1 also minimises it;
 * FUZZ_TRACE=1 prints a line per case, =2 also every valid request refused.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const SHRINK = process.env.FUZZ_SHRINK === '1';
/**
 * On PostgreSQL and Redis when TEST_DATABASE_URL and REDIS_URL are set (as in CI):
 * some inputs break only there (U+0000 in text). FUZZ_PRODUCTION=0: SQLite and memory.
 */
const PRODUCTION =
  process.env.FUZZ_PRODUCTION === '0'
    ? undefined
    : productionParts('fuzzing on PostgreSQL and Redis (SQLite instead)');

// The operation list is known before the system starts, so each one is its own test.
const OPERATIONS = operationsOf(loadPublicSpec() as Schema);

/** A seed per operation, so one operation's cases do not depend on which ran before. */
const seedOf = (id: string) => [...id].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, SEED);

describe('fuzzing every public operation through the gateway', () => {
  let system: System;
  let world: World;
  let start: Snapshot;
  let spec: Schema;
  const tally: Tally = new Map();

  beforeAll(async () => {
    system = await startSystem({
      ...(PRODUCTION && {
        postgres: { adminUrl: PRODUCTION.adminUrl },
        redisUrl: PRODUCTION.redisUrl,
      }),
      // The fuzzer is one client sending hundreds of requests: rate limits would only answer 429.
      env: {
        RATE_LIMIT_PER_MINUTE: '1000000',
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000000',
        LOGIN_MAX_FAILURES_PER_IP: '1000000',
      },
    });
    spec = (await call(system.gateway, '/openapi.json')).body;
    world = await createWorld(system, spec);
    start = await world.snapshot();
  }, 60_000);

  afterAll(async () => {
    closeConnections();
    await system?.stop();
    const lines = [...tally].map(
      ([op, counts]) =>
        `${op.padEnd(24)} ${[...counts]
          .sort()
          .map(([k, n]) => `${k}:${n}`)
          .join(' ')}`,
    );
    const mode = PRODUCTION ? 'PostgreSQL and Redis' : 'SQLite';
    console.log(`fuzz: seed ${SEED}, ${RUNS} runs per operation, ${mode}\n${lines.join('\n')}`);
  });

  it('when the gateway publishes its spec, then the fuzzer generates from that same document', async () => {
    expect(spec).toEqual(loadPublicSpec());
    expect(operationsOf(spec).map((op) => op.id)).toEqual(OPERATIONS.map((op) => op.id));
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(OPERATIONS.map((op) => [op.id, op] as const))(
    'when %s gets valid and mutated requests, then none gets a 5xx, every process stays up and no refused write leaves a record',
    async (_id, operation) => {
      const published = operationsOf(spec).find((op) => op.id === operation.id)!;
      const seed = seedOf(operation.id);
      // First one valid request from each kind of caller, so every run reaches the handlers.
      const examples = (['user', 'admin', 'anonymous'] as const).map((actor) =>
        fc.sample(validCasesFor(published, world.context, actor), { numRuns: 1, seed }),
      );
      await fc.assert(
        fc.asyncProperty(casesFor(published, world.context), async (c) => {
          await checkCase(world, c, tally);
        }),
        {
          examples,
          numRuns: RUNS,
          seed,
          endOnFailure: !SHRINK,
          includeErrorInReport: true,
        },
      );
      expect(await world.unhealthy()).toEqual([]);
    },
    Math.max(120_000, RUNS * 3_000),
  );

  // What the fuzzer found, kept as plain cases so they run whatever the seed; each is also
  // checked as a fuzz case (no record written).
  const nulCursor = Buffer.from('a\u0000b').toString('base64url');
  it.each([
    [
      'listProducts',
      'GET',
      '/api/v1/inventory/products?limit=1e309',
      undefined,
      'VALIDATION_FAILED',
    ],
    ['listUsers', 'GET', '/api/v1/users?limit=1e309', undefined, 'VALIDATION_FAILED'],
    ['listOrders', 'GET', '/api/v1/orders?limit=-1e309', undefined, 'VALIDATION_FAILED'],
    [
      'register',
      'POST',
      '/api/v1/auth/register',
      { email: 'nul@example.com', password: 'long enough', name: '\u0000' },
      'VALIDATION_FAILED',
    ],
    ['updateMe', 'PATCH', '/api/v1/users/me', { name: 'a\u0000b' }, 'VALIDATION_FAILED'],
    [
      'createProduct',
      'POST',
      '/api/v1/inventory/products',
      { sku: 'NUL-1', name: 'a\u0000', priceCents: 1, stock: 1 },
      'VALIDATION_FAILED',
    ],
    ['listUsers', 'GET', `/api/v1/users?cursor=${nulCursor}`, undefined, 'INVALID_CURSOR'],
    [
      'listProducts',
      'GET',
      `/api/v1/inventory/products?cursor=${nulCursor}`,
      undefined,
      'INVALID_CURSOR',
    ],
  ] as const)(
    'when %s gets %s %s (once a 500), then it is a 400',
    async (operation, method, path, body, code) => {
      const found: FuzzCase = {
        operation,
        actor: 'admin',
        mutation: 'found',
        request: {
          method,
          path,
          headers: {
            authorization: `Bearer ${world.context.tokens.admin}`,
            ...(body && { 'content-type': 'application/json' }),
          },
          body: body && Buffer.from(JSON.stringify(body)),
        },
        body,
      };
      const res = await checkCase(world, found, new Map());
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ code });
    },
  );

  // Two operations whose valid requests the generator rarely assembles, drawing each field
  // apart: a grant with its client's own secret, and an authorization request whose seven
  // parameters must all fit one registered client. Sent as a real client sends them, so the
  // coverage check below holds whatever the seed; the OAuth suites go much further.
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
  it.each([
    [
      'token',
      'POST',
      '/api/v1/auth/token',
      'grant_type=client_credentials&client_id=gateway&client_secret=dev-secret-gateway-change-me&scope=users%3Aread',
    ],
    [
      'authorize',
      'GET',
      `/api/v1/auth/authorize?response_type=code&client_id=portico-demo&redirect_uri=${encodeURIComponent('http://127.0.0.1:8080/demo/')}&scope=openid&state=s&nonce=n&code_challenge=${challenge}&code_challenge_method=S256`,
      undefined,
    ],
  ] as const)(
    'when %s gets what a real client sends, then it is accepted',
    async (operation, method, path, form) => {
      const real: FuzzCase = {
        operation,
        actor: 'anonymous',
        mutation: 'real client',
        request: {
          method,
          path,
          headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
          body: form && Buffer.from(form),
        },
        body: form,
      };
      expect((await checkCase(world, real, tally)).status).toBe(200);
    },
  );

  it('when the fuzzing is over, then every record was written by an accepted request, and every operation was accepted and every one that takes input was refused', async () => {
    const end = await world.snapshot();
    const added = (part: keyof Omit<Snapshot, 'keys'>) =>
      Object.keys(end[part])
        .filter((key) => !(key in start[part]))
        .sort();
    expect(added('users')).toEqual([...world.accepted.users].sort());
    expect(added('products')).toEqual([...world.accepted.products].sort());
    expect(added('orders')).toEqual([...world.accepted.orders].sort());
    // The fuzzer reached every handler, and every operation that takes input was refused some of it.
    // The login form needs the signed request and cookie of a page it was served with, which no
    // generated request has; the contract and the OAuth suites post it as a browser does.
    // Introspection needs a confidential client's secret or a service token with tokens:introspect,
    // which no actor here holds; the contract, revocation and openid-client suites are accepted there.
    const unacceptable = new Set(['submitLogin', 'introspectToken']);
    const neverAccepted = OPERATIONS.filter(
      (op) => !unacceptable.has(op.id) && !tally.get(op.id)?.get('2xx'),
    );
    const takesInput = (op: (typeof OPERATIONS)[number]) =>
      op.parameters.length > 0 || op.body !== undefined || !op.anonymous;
    const neverRefused = OPERATIONS.filter((op) => takesInput(op) && !tally.get(op.id)?.get('4xx'));
    expect(neverAccepted.map((op) => op.id)).toEqual([]);
    expect(neverRefused.map((op) => op.id)).toEqual([]);
    expect(await world.unhealthy()).toEqual([]);
  });
});
