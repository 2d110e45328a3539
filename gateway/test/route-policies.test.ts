import { randomUUID } from 'node:crypto';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.js';
import {
  type RunningGateway,
  send,
  startGateway,
  useUpstreams,
} from './support/gateway-harness.js';
import { registrySample } from './support/registry-sample.js';
import { useRoutesFiles } from './support/routes-files.js';

const upstreams = useUpstreams();
const files = useRoutesFiles();
let reviews: FakeUpstream;
let gateway: RunningGateway;

/**
 * A team's own routes file: a sixth service (reviews) added by the file alone,
 * and each per-route policy set on one route. The four services' URLs come
 * from the harness's *_SERVICE_URL variables, as in the shipped file.
 */
const routesFile = (reviewsUrl: string) => `
upstreams:
  auth-service:
    url: \${AUTH_SERVICE_URL}
  user-service:
    url: \${USER_SERVICE_URL}
  order-service:
    url: \${ORDER_SERVICE_URL}
  inventory-service:
    url: \${INVENTORY_SERVICE_URL}
  review-service:
    url: ${reviewsUrl}
routes:
  - prefix: /api/v1/reviews
    upstream: review-service
    access: token
  - prefix: /api/v1/orders
    upstream: order-service
    access: token
    timeoutMs: 150
    retries: 0
  - prefix: /api/v1/inventory
    upstream: inventory-service
    access: public-read
    bodyLimitBytes: 100
  - prefix: /api/v1/users
    upstream: user-service
    access: token
    rateLimitPerMinute: 3
  - prefix: /api/v1/admin
    upstream: user-service
    access: { role: admin }
  - prefix: /api/v1/partners
    upstream: inventory-service
    access: { scope: partners.read }
  - prefix: /api/v1/auth
    upstream: auth-service
    access: public
`;

beforeAll(async () => {
  reviews = await startFakeUpstream('review-service');
  gateway = await startGateway(upstreams, {
    GATEWAY_ROUTES_FILE: files.write('team-routes.yaml', routesFile(reviews.url)),
    RATE_LIMIT_PER_MINUTE: '100000',
  });
});

afterAll(async () => {
  await gateway?.close();
  await reviews?.close();
});

beforeEach(() => {
  reviews.received.length = 0;
});

describe('a sixth service from the routes file alone', () => {
  it('when a request with a token is under /api/v1/reviews, then the reviews service gets it unchanged', async () => {
    const reply = await send(gateway.url, {
      token: upstreams.token,
      path: '/api/v1/reviews/42?sort=new',
    });

    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({
      upstream: 'review-service',
      method: 'GET',
      url: '/api/v1/reviews/42?sort=new',
    });
    expect(
      await registrySample(gateway.gateway.registry, 'gateway_requests_total', {
        route: '/api/v1/reviews/**',
        upstream: 'review-service',
        status: '200',
      }),
    ).toBe(1);
  });

  it('when a request under /api/v1/reviews has no token, then it is 401 and nothing reaches the service', async () => {
    const reply = await send(gateway.url, { path: '/api/v1/reviews/42' });

    expect(reply.status).toBe(401);
    expect(reply.json().code).toBe('TOKEN_REQUIRED');
    expect(reviews.received).toHaveLength(0);
  });
});

describe('per-route policies', () => {
  it('when the upstream is slower than the route timeout (the default being 5 s), then the answer is 504', async () => {
    upstreams.order.handle((_req, res) => {
      const timer = setTimeout(() => res.writeHead(200).end('{}'), 1_000);
      res.on('close', () => clearTimeout(timer));
    });

    const reply = await send(gateway.url, { token: upstreams.token, path: '/api/v1/orders' });

    expect(reply.status).toBe(504);
    expect(reply.json().code).toBe('UPSTREAM_TIMEOUT');
    expect(upstreams.order.received).toHaveLength(1);
  });

  it('when the upstream answers 502 on a route with retries: 0 (the default being 2), then it is tried once', async () => {
    upstreams.order.handle((_req, res) => {
      res.writeHead(502, { 'content-type': 'application/json' }).end('{}');
    });

    const reply = await send(gateway.url, { token: upstreams.token, path: '/api/v1/orders/1' });

    expect(reply.status).toBe(502);
    expect(upstreams.order.received).toHaveLength(1);
  });

  it('when a body is over the route limit (the default being 1 MiB), then it is 413 before the upstream; under it passes', async () => {
    const post = (body: string) =>
      send(gateway.url, {
        token: upstreams.token,
        method: 'POST',
        path: '/api/v1/inventory/products',
        headers: { 'content-type': 'application/json' },
        body,
      });

    const tooLarge = await post(JSON.stringify({ name: 'x'.repeat(200) }));
    expect(tooLarge.status).toBe(413);
    expect(upstreams.inventory.received).toHaveLength(0);

    expect((await post('{"name":"ok"}')).status).toBe(200);
  });

  it('when a caller passes the route rate limit, then it is 429 there while other routes still answer', async () => {
    const token = await upstreams.kit.userToken(randomUUID());
    const users = () => send(gateway.url, { token, path: '/api/v1/users/me' });

    for (let i = 0; i < 3; i += 1) expect((await users()).status).toBe(200);
    const limited = await users();

    expect(limited.status).toBe(429);
    expect(limited.headers['ratelimit-policy']).toBe('3;w=60');
    expect((await send(gateway.url, { token, path: '/api/v1/reviews/1' })).status).toBe(200);
  });

  it('when a route requires a role, then a token without it is 403 and one with it passes', async () => {
    const plain = await send(gateway.url, { token: upstreams.token, path: '/api/v1/admin/users' });
    expect(plain.status).toBe(403);
    expect(plain.json().code).toBe('ROLE_REQUIRED');
    expect(upstreams.user.received).toHaveLength(0);

    const admin = await upstreams.kit.userToken(randomUUID(), { roles: ['user', 'admin'] });
    expect((await send(gateway.url, { token: admin, path: '/api/v1/admin/users' })).status).toBe(
      200,
    );
  });

  it('when a route requires a scope, then a user token is 403 and a service token granted it passes', async () => {
    const user = await send(gateway.url, { token: upstreams.token, path: '/api/v1/partners/feed' });
    expect(user.status).toBe(403);
    expect(user.json().code).toBe('INSUFFICIENT_SCOPE');

    const other = await upstreams.kit.serviceToken('partner', 'orders.read');
    expect((await send(gateway.url, { token: other, path: '/api/v1/partners/feed' })).status).toBe(
      403,
    );

    const granted = await upstreams.kit.serviceToken('partner', 'partners.read');
    const reply = await send(gateway.url, { token: granted, path: '/api/v1/partners/feed' });
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({
      upstream: 'inventory-service',
      url: '/api/v1/partners/feed',
    });
  });

  it('when a path is under /internal, then the gateway answers 404 whatever the file says', async () => {
    const reply = await send(gateway.url, { token: upstreams.token, path: '/internal/v1/users/x' });

    expect(reply.status).toBe(404);
    expect(upstreams.user.received).toHaveLength(0);
  });
});
