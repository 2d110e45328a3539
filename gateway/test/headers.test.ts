import { send, useGateway } from './support/gateway-harness.js';

const { upstreams, gateway } = useGateway();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('request headers', () => {
  it('when a client sends hop-by-hop headers, then none of them reaches the upstream', async () => {
    await send(gateway.url, {
      token: upstreams.token,
      method: 'POST',
      path: '/api/v1/users/me',
      body: 'still framed',
      headers: {
        'transfer-encoding': 'chunked',
        connection: 'keep-alive, x-drop-me',
        'x-drop-me': 'secret',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        'proxy-connection': 'keep-alive',
        te: 'trailers',
        trailer: 'x-checksum',
        upgrade: 'websocket',
        authorization: `Bearer ${upstreams.token}`,
        'x-custom': 'kept',
      },
    });

    const headers = upstreams.user.received[0]!.headers;
    for (const name of [
      'x-drop-me',
      'keep-alive',
      'proxy-authorization',
      'proxy-connection',
      'te',
      'trailer',
      'upgrade',
    ]) {
      expect(headers[name]).toBeUndefined();
    }
    expect(headers.connection).not.toMatch(/x-drop-me/i);
    expect(upstreams.user.received[0]!.body.toString()).toBe('still framed');
    expect(headers.authorization).toBe(`Bearer ${upstreams.token}`);
    expect(headers['x-custom']).toBe('kept');
  });

  it('when a client spoofs forwarding and identity headers, then the upstream sees only the trusted ones', async () => {
    await send(gateway.url, {
      token: upstreams.token,
      path: '/api/v1/orders',
      headers: {
        host: 'api.portico.example',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
        'x-forwarded-port': '443',
        'x-forwarded-prefix': '/internal',
        forwarded: 'for=6.6.6.6;proto=https',
        'x-real-ip': '6.6.6.6',
        'x-user-id': '00000000-0000-0000-0000-000000000001',
        'x-user-roles': 'admin',
        'x-client-id': 'order-service',
        'x-portico-caller': 'admin',
      },
    });

    const headers = upstreams.order.received[0]!.headers;
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe('api.portico.example');
    for (const name of [
      'x-forwarded-port',
      'x-forwarded-prefix',
      'forwarded',
      'x-real-ip',
      'x-user-id',
      'x-user-roles',
      'x-client-id',
      'x-portico-caller',
    ]) {
      expect(headers[name]).toBeUndefined();
    }
    // The upstream is addressed by its own name; the client's Host travels in X-Forwarded-Host.
    expect(headers.host).toBe(new URL(upstreams.order.url).host);
  });

  it('when a client sends a request id and traceparent, then both travel upstream and come back', async () => {
    const reply = await send(gateway.url, {
      token: upstreams.token,
      path: '/api/v1/inventory/products',
      headers: { 'x-request-id': 'req-abc-123', traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
    });

    const headers = upstreams.inventory.received[0]!.headers;
    expect(headers['x-request-id']).toBe('req-abc-123');
    expect(reply.headers['x-request-id']).toBe('req-abc-123');
    // Same trace; the gateway's own span becomes the upstream's parent.
    const upstreamTrace = String(headers.traceparent).split('-');
    expect(upstreamTrace[1]).toBe(TRACE_ID);
    expect(upstreamTrace[2]).not.toBe(PARENT_ID);
    expect(reply.headers.traceparent).toBe(headers.traceparent);
  });

  it('when a client sends no request id, or a malformed one, then the gateway makes one and returns it', async () => {
    const plain = await send(gateway.url, { token: upstreams.token, path: '/api/v1/users/me' });
    const bad = await send(gateway.url, {
      token: upstreams.token,
      path: '/api/v1/users/me',
      headers: { 'x-request-id': 'has spaces and "quotes"', traceparent: 'garbage' },
    });

    for (const [index, reply] of [plain, bad].entries()) {
      const id = reply.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(upstreams.user.received[index]!.headers['x-request-id']).toBe(id);
      expect(reply.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
  });

  it('when the gateway answers itself, then the response still carries the request id', async () => {
    const reply = await send(gateway.url, {
      token: upstreams.token,
      path: '/internal/v1/users/1',
      headers: { 'x-request-id': 'req-404' },
    });
    expect(reply.status).toBe(404);
    expect(reply.headers['x-request-id']).toBe('req-404');
  });
});

describe('response headers', () => {
  it('when the upstream answers with hop-by-hop headers, then the client gets none of them', async () => {
    upstreams.user.handle((_req, res) => {
      res.setHeader('connection', 'keep-alive, x-upstream-hop');
      res.setHeader('x-upstream-hop', 'internal detail');
      res.setHeader('keep-alive', 'timeout=99');
      res.setHeader('proxy-authenticate', 'Basic realm="upstream"');
      res.setHeader('upgrade', 'h2c');
      res.setHeader('trailer', 'x-checksum');
      res.setHeader('x-request-id', 'upstream-made-this-up');
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });

    const reply = await send(gateway.url, {
      token: upstreams.token,
      path: '/api/v1/users/me',
      headers: { 'x-request-id': 'req-from-client' },
    });

    expect(reply.status).toBe(200);
    expect(reply.text).toBe('{"ok":true}');
    for (const name of [
      'x-upstream-hop',
      'keep-alive',
      'proxy-authenticate',
      'upgrade',
      'trailer',
    ]) {
      expect(reply.headers[name]).toBeUndefined();
    }
    expect(reply.headers.connection).not.toMatch(/x-upstream-hop/i);
    expect(reply.headers['x-request-id']).toBe('req-from-client');
  });
});
