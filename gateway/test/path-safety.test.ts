import { allReceived, send, useGateway } from './support/gateway-harness.js';

// The last test counts what reached an upstream over the whole file.
const { upstreams, gateway } = useGateway({}, { keepReceived: true });

/** Every way we know to reach `/internal/`, another version, or an unlisted path. */
const NASTY_PATHS = [
  '/internal/v1/users/1',
  '/Internal/v1/users/1',
  '/INTERNAL/v1/users/1',
  '//internal/v1/users/1',
  '/%2e%2e/internal/v1/users/1',
  '/api/v1/users/../../internal/v1/users/1',
  '/api/v1/users/%2e%2e/%2e%2e/internal/v1/users/1',
  '/api/v1/users/%2E%2E/%2E%2E/internal/v1/users/1',
  '/api/v1/users/.%2e/.%2E/internal/v1/users/1',
  '/api/v1/users/..%2f..%2finternal/v1/users/1',
  '/api/v1/users/..%2F..%2Finternal/v1/users/1',
  '/api/v1/users%2f..%2f..%2finternal/v1/users/1',
  '/api/v1/users/%252e%252e/%252e%252e/internal/v1/users/1',
  '/api/v1/users/%252f/internal',
  '/api/v1/users/..%5c..%5cinternal/v1/users/1',
  '/api/v1/users/..%5C..%5Cinternal/v1/users/1',
  '/api/v1/users/..\\..\\internal/v1/users/1',
  '/api/v1/users\\..\\..\\internal',
  '/api/v1/users/./me',
  '/api/v1/users/%2e/me',
  '/api/v1/users/.',
  '/api/v1/users/..',
  '/api/v1/users//me',
  '/api//v1/users/me',
  '/api/v1/users;/../internal',
  '/api/v1/users/me%00',
  '/api/v1/users/me%',
  '/api/v1/users/me%zz',
  '/API/V1/users/me',
  '/api/V1/users/me',
  '/Api/v1/users/me',
  '/api/v1/Users/me',
  '/api/v2/users/me',
  '/api/v0/users/me',
  '/api/users/me',
  '/v1/users/me',
  '/api/v1/usersX',
  '/api/v1/payments/1',
  '/api/v1',
  '/api/v1/',
  '/.well-known/jwks.json/../../internal/v1/users/1',
  '/.well-known/jwks.json/extra',
  '/.well-known/other',
  '/.WELL-KNOWN/jwks.json',
  '/internal/../api/v1/users/me',
  'http://user-service.local/internal/v1/users/1',
];

describe('path safety', () => {
  it.each(NASTY_PATHS)(
    'when %s is requested, then it is a 404 problem from the gateway',
    async (path) => {
      const reply = await send(gateway.url, { path });

      expect(reply.status).toBe(404);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reply.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
    },
  );

  it('when every nasty path has been tried with every method, then no upstream saw a single request', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      await Promise.all(NASTY_PATHS.map((path) => send(gateway.url, { method, path })));
    }
    expect(NASTY_PATHS.length).toBeGreaterThanOrEqual(20);
    expect(allReceived(upstreams)).toEqual([]);
  });
});
