import { ConfigError } from '@portico/config';
import { loadGatewayConfig } from '../src/config.js';

describe('gateway config', () => {
  it('when nothing is set, then the defaults of docs/architecture.md apply', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      PORT: 8080,
      HOST: '127.0.0.1',
      AUTH_SERVICE_URL: 'http://127.0.0.1:8004',
      USER_SERVICE_URL: 'http://127.0.0.1:8001',
      ORDER_SERVICE_URL: 'http://127.0.0.1:8002',
      INVENTORY_SERVICE_URL: 'http://127.0.0.1:8003',
      UPSTREAM_TIMEOUT_MS: 5000,
      UPSTREAM_RETRIES: 2,
      BODY_LIMIT_BYTES: 1024 * 1024,
      RATE_LIMIT_PER_MINUTE: 600,
      LOGIN_RATE_LIMIT_PER_MINUTE: 10,
      LOG_LEVEL: 'info',
    });
    expect(loadGatewayConfig({}).CORS_ORIGINS).toBeUndefined();
    expect(loadGatewayConfig({}).REDIS_URL).toBeUndefined();
  });

  it('when CORS_ORIGINS lists origins, then they are trimmed into a list', () => {
    const config = loadGatewayConfig({
      CORS_ORIGINS: ' https://a.example , http://localhost:5173 ',
    });
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'http://localhost:5173']);
  });

  it('when a service URL has a trailing slash, then it is dropped', () => {
    expect(loadGatewayConfig({ USER_SERVICE_URL: 'http://users:8001/' }).USER_SERVICE_URL).toBe(
      'http://users:8001',
    );
  });

  it.each([
    ['CORS_ORIGINS', 'https://a.example/path'],
    ['UPSTREAM_TIMEOUT_MS', '0'],
    ['BODY_LIMIT_BYTES', 'lots'],
    ['RATE_LIMIT_PER_MINUTE', '0'],
    ['LOGIN_RATE_LIMIT_PER_MINUTE', '1.5'],
    ['ORDER_SERVICE_URL', 'ftp://orders'],
    ['REDIS_URL', 'http://redis:6379'],
    ['PORT', '70000'],
  ])('when %s is %s, then loading fails naming it', (name, value) => {
    expect(() => loadGatewayConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ [name]: value })).toThrow(name);
  });
});
