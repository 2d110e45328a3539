import { loadGatewayConfig } from '../src/config.js';
import { canonicalPath, matchRoute } from '../src/routing/route-table.js';
import { DEFAULT_ROUTES_FILE, loadRoutesFile } from '../src/routing/routes-file.js';

/** The shipped table, gateway/routes.yaml, with the default upstream URLs. */
const { routes } = loadRoutesFile(DEFAULT_ROUTES_FILE, loadGatewayConfig({}));

describe('route table', () => {
  it.each([
    ['/api/v1/users', '/api/v1/users/**', 'user-service'],
    ['/api/v1/users/me?x=1', '/api/v1/users/**', 'user-service'],
    ['/api/v1/orders/1/cancel', '/api/v1/orders/**', 'order-service'],
    ['/api/v1/inventory/products', '/api/v1/inventory/**', 'inventory-service'],
    ['/api/v1/auth/login', '/api/v1/auth/**', 'auth-service'],
    ['/.well-known/jwks.json', '/.well-known/jwks.json', 'auth-service'],
    ['/.well-known/openid-configuration', '/.well-known/openid-configuration', 'auth-service'],
  ])('when %s is matched, then it is %s on %s', (target, pattern, upstream) => {
    expect(matchRoute(target, routes)?.route).toMatchObject({ pattern, upstream });
  });

  it('when a target has a query, then the matched path leaves it out', () => {
    expect(matchRoute('/api/v1/orders?limit=5', routes)?.path).toBe('/api/v1/orders');
  });

  it.each([
    '/api/v1/users/%2E%2e',
    '/api/v1/users/%2F',
    '/api/v1/users/%5c',
    '/api/v1/users/%252e',
    '/api/v1/users/%0a',
    '/api/v1/users/%g1',
    '/api/v1/users/a\\b',
    '/api/v1/users/a b',
    '/api/v1/users/é',
    '/api/v1/users//',
    '/api/v1/users/..',
    'api/v1/users',
    '*',
  ])('when %s is not canonical, then canonicalPath refuses it', (target) => {
    expect(canonicalPath(target)).toBeNull();
  });

  it.each([
    '/api/v1/users/a%40b.example',
    '/api/v1/users/...',
    '/api/v1/users/.hidden',
    '/api/v1/inventory/products/SKU-1~x',
  ])('when %s is canonical, then it is kept as it is', (target) => {
    expect(canonicalPath(target)).toBe(target);
  });
});
