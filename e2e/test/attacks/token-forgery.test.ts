import { randomUUID } from 'node:crypto';
import { eventually, startUpstream, type Upstream } from '@portico/test-kit';
import type { JWK } from 'jose';
import {
  type Account,
  adminAccount,
  call,
  newAccount,
  rawExchange,
  serviceToken,
} from './support/clients.js';
import { type Forge, forgeWith } from './support/forge.js';
import { type ForgeryKit, forgeries } from './support/forgeries.js';
import { expectCleanLogs } from './support/leaks.js';
import { type ProcessName, useSystemUnderAttack } from './support/system-under-attack.js';

const system = useSystemUnderAttack();
let admin: Account;
let mallory: Account;
let forge: Forge;
let publicJwk: JWK;
/** The attacker's key host for `jku` / `x5u`: nothing may fetch from it. */
let attacker: Upstream;

beforeAll(async () => {
  admin = await adminAccount(system);
  mallory = await newAccount(system);
  forge = await forgeWith(system.authKeys, admin.id);
  publicJwk = (await system.authKeys.jwks()).keys.find((k) => k.kid === forge.kid)!;
  attacker = await startUpstream((_call, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
  // The admin's profile comes from an event: wait for it, so the control can pass everywhere.
  await eventually(
    "the admin's profile known",
    async () =>
      (await call(system.user, '/api/v1/users/me', { token: admin.token })).status === 200,
    { timeoutMs: 10_000 },
  );
});

afterAll(() => attacker?.close());

type Target = {
  name: string;
  process: ProcessName;
  /** The service that answers behind the gateway (or the process itself). */
  upstream: ProcessName;
  method: 'GET' | 'POST';
  path: string;
  /**
   * What a forgery that passed would do: nothing (reads), create a fresh
   * product (admin writes), or rotate the signing keys (admin, auth-service).
   */
  effect: 'none' | 'product' | 'rotation';
  /** Whether the gateway checks the token before the upstream hears of the request. */
  edgeChecked: boolean;
};

const route = (
  name: string,
  process: ProcessName,
  upstream: ProcessName,
  request: `${'GET' | 'POST'} /${string}`,
  effect: Target['effect'],
): Target => {
  const [method, path] = request.split(' ') as ['GET' | 'POST', string];
  return {
    name,
    process,
    upstream,
    method,
    path,
    effect,
    edgeChecked: process === 'gateway' && upstream !== 'auth',
  };
};

const TARGETS: Target[] = [
  route('the gateway (users/me)', 'gateway', 'user', 'GET /api/v1/users/me', 'none'),
  route('the gateway (orders)', 'gateway', 'order', 'GET /api/v1/orders', 'none'),
  route(
    'the gateway (admin product write)',
    'gateway',
    'inventory',
    'POST /api/v1/inventory/products',
    'product',
  ),
  // A public route at the edge: only the auth service's own verifier stands in the way.
  route(
    'the gateway (admin key rotation)',
    'gateway',
    'auth',
    'POST /api/v1/auth/keys/rotate',
    'rotation',
  ),
  route('user-service directly', 'user', 'user', 'GET /api/v1/users/me', 'none'),
  route('order-service directly', 'order', 'order', 'GET /api/v1/orders', 'none'),
  route(
    'inventory-service directly',
    'inventory',
    'inventory',
    'POST /api/v1/inventory/products',
    'product',
  ),
  route(
    'auth-service directly (admin key rotation)',
    'auth',
    'auth',
    'POST /api/v1/auth/keys/rotate',
    'rotation',
  ),
];

let skus = 0;
/** Sends `token` to the target; says whether it had its effect and whether the upstream heard of it. */
async function attack(target: Target, token: string) {
  skus += 1;
  const sku = `ATTACK-${Date.now()}-${skus}`;
  const signingKid = async () => (await system.authKeys.signingKey()).kid;
  const kidBefore = target.effect === 'rotation' ? await signingKid() : undefined;
  const before = system.arrivals.length;
  const reply = await call(system[target.process], target.path, {
    method: target.method,
    token,
    ...(target.effect === 'product' && { body: { sku, name: 'Forged', priceCents: 1, stock: 5 } }),
  });
  const effected =
    target.effect === 'product'
      ? (await call(system.inventory, `/api/v1/inventory/products/${sku}`)).status === 200
      : target.effect === 'rotation'
        ? (await signingKid()) !== kidBefore
        : false;
  const reachedUpstream = system.arrivals
    .slice(before)
    .some((a) => a.process === target.upstream && a.forwarded);
  return { reply, effected, reachedUpstream };
}

/** Read lazily by each forgery: the table is built before beforeAll runs. */
const kit: ForgeryKit = {
  get forge() {
    return forge;
  },
  get publicJwk() {
    return publicJwk;
  },
  get admin() {
    return admin;
  },
  get mallory() {
    return mallory;
  },
  get attackerUrl() {
    return attacker.url;
  },
  serviceToken: (client) => serviceToken(system, client),
};
const FORGERIES = forgeries(kit);

describe('forged and misused access tokens, at the gateway and at every service', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    'when a token signed with the live key has no flaw (the control), then %s accepts it',
    async (_name, target) => {
      const { reply, effected } = await attack(
        target,
        await forge.sign(forge.header(), forge.claims()),
      );
      expect(reply.status).toBe(target.effect === 'product' ? 201 : 200);
      expect(effected).toBe(target.effect !== 'none');
    },
  );

  const cases = FORGERIES.flatMap(([flaw, make, refusals]) =>
    TARGETS.map((target) => [flaw, target.name, make, refusals, target] as const),
  );
  it.each(cases)(
    'when the token has %s, then %s refuses it and nothing is done',
    async (_flaw, _target, make, refusals, target) => {
      const { reply, effected, reachedUpstream } = await attack(target, await make());
      expect(refusals).toContain(reply.status);
      if (reply.status === 401)
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(effected).toBe(false);
      if (target.edgeChecked) expect(reachedUpstream).toBe(false);
    },
  );

  it('when tokens name a jku or x5u on another host, then that host never hears from anyone', () => {
    expect(attacker.calls).toEqual([]);
  });
});

describe('oversized tokens', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    'when a 1 MB token is sent to %s, then it is a 4xx (431, 400 or 401) at once, never a 5xx or a hang',
    async (_name, target) => {
      const head =
        `${target.method} ${target.path} HTTP/1.1\r\nHost: localhost\r\n` +
        `Authorization: Bearer ${'A'.repeat(1024 * 1024)}\r\nContent-Length: 0\r\n\r\n`;
      const reply = await rawExchange(system[target.process], head, { waitMs: 5_000 });
      expect(reply.statuses).toHaveLength(1);
      expect([431, 400, 401]).toContain(reply.statuses[0]);
      expect(reply.ms).toBeLessThan(5_000);
    },
  );
});

describe('unknown-kid floods', () => {
  const jwksFetches = () =>
    system.arrivals.filter((a) => a.process === 'auth' && a.url === '/.well-known/jwks.json')
      .length;

  it.each(TARGETS.map((t) => [t.name, t] as const))(
    'when 30 tokens with random kids reach %s, then the JWKS is fetched at most once for them',
    async (_name, target) => {
      const before = jwksFetches();
      const replies = await Promise.all(
        Array.from(
          { length: 30 },
          async () =>
            (
              await attack(
                target,
                await forge.sign(forge.header({ kid: randomUUID() }), forge.claims()),
              )
            ).reply,
        ),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(30).fill(401));
      expect(jwksFetches() - before).toBeLessThanOrEqual(1);
      // The count is real: every verifier fetched the key set at least once before.
      expect(jwksFetches()).toBeGreaterThanOrEqual(4);
    },
  );
});

describe('logs', () => {
  it('when every forgery above has been refused, then no log line holds a password, token or client secret', () => {
    expectCleanLogs(system);
  });
});
