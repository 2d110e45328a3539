import type { Request } from 'express';
import { opsAccess } from '../src/admin/ops-access.js';
import {
  type RunningGateway,
  send,
  startGateway,
  useUpstreams,
} from './support/gateway-harness.js';

const METRICS_TOKEN = 'scrape-me-with-this-long-token';
const upstreams = useUpstreams();
let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway(upstreams, { METRICS_TOKEN });
});
afterAll(() => gateway.close());

describe('metrics and readiness detail with METRICS_TOKEN', () => {
  it('when /metrics is asked without the token or with a user token, then 401 METRICS_TOKEN_REQUIRED with a Bearer challenge', async () => {
    for (const token of [undefined, upstreams.token, `${METRICS_TOKEN}x`]) {
      const reply = await send(gateway.url, { path: '/metrics', ...(token && { token }) });
      expect(reply.status).toBe(401);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reply.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(reply.json().code).toBe('METRICS_TOKEN_REQUIRED');
      expect(reply.text).not.toMatch(/gateway_requests_total|nodejs_version/);
    }
  });

  it('when /metrics is asked with the token, then it answers the Prometheus text', async () => {
    const reply = await send(gateway.url, { path: '/metrics', token: METRICS_TOKEN });
    expect(reply.status).toBe(200);
    expect(reply.text).toMatch(/gateway_requests_total/);
  });

  it('when /readyz is asked without the token, then it says only ready or not; with it, which upstream is which', async () => {
    const anonymous = await send(gateway.url, { path: '/readyz' });
    expect(anonymous.status).toBe(200);
    expect(anonymous.json()).toEqual({ status: 'ready' });

    const operator = await send(gateway.url, { path: '/readyz', token: METRICS_TOKEN });
    expect(operator.json()).toMatchObject({ status: 'ready', checks: { 'auth-service': 'ok' } });
  });
});

describe('metrics without METRICS_TOKEN', () => {
  const from = (remoteAddress: string) =>
    ({ socket: { remoteAddress }, headers: {} }) as unknown as Request;

  it('when the peer is not on loopback, then it is refused with 403 OPS_LOOPBACK_ONLY', () => {
    const access = opsAccess(undefined);
    for (const address of ['192.0.2.7', 'fd00::7', '::ffff:10.0.0.1']) {
      expect(access.refusal(from(address))).toMatchObject({
        status: 403,
        code: 'OPS_LOOPBACK_ONLY',
      });
    }
  });

  it('when the peer is on loopback, then it may read them', () => {
    const access = opsAccess(undefined);
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect(access.allowed(from(address))).toBe(true);
    }
  });
});
