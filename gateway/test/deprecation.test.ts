import type { IncomingHttpHeaders } from 'node:http';
import { send, useGateway } from './support/gateway-harness.js';

// The shipped routes file: the v1 order list is deprecated, v2 is its successor.
const { upstreams, gateway } = useGateway({ RATE_LIMIT_PER_MINUTE: '100000' });

const DEPRECATED_V1_LIST = {
  deprecation: `@${Date.UTC(2026, 11, 3) / 1000}`,
  sunset: 'Fri, 31 Dec 2027 00:00:00 GMT',
  link: '</api/v2/orders>; rel="successor-version", </docs>; rel="deprecation"',
};

const deprecationOf = (headers: IncomingHttpHeaders) => ({
  deprecation: headers.deprecation,
  sunset: headers.sunset,
  link: headers.link,
});

describe('a deprecated route', () => {
  it("when the upstream answers, then the answer carries Deprecation, Sunset and the successor's Link", async () => {
    const reply = await send(gateway.url, { path: '/api/v1/orders', token: upstreams.token });

    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ upstream: 'order-service', url: '/api/v1/orders' });
    expect(deprecationOf(reply.headers)).toEqual(DEPRECATED_V1_LIST);
  });

  it('when the gateway refuses the request itself (no token), then its 401 problem carries them too', async () => {
    const reply = await send(gateway.url, { method: 'POST', path: '/api/v1/orders' });

    expect(reply.status).toBe(401);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(deprecationOf(reply.headers)).toEqual(DEPRECATED_V1_LIST);
    expect(upstreams.order.received).toHaveLength(0);
  });

  it.each(['/api/v2/orders', '/api/v1/orders/0b5e6c0e-6d5f-4a8e-9f43-2d1f7c3e9a10'])(
    'when %s is asked for (not deprecated), then no deprecation header is sent',
    async (path) => {
      const reply = await send(gateway.url, { path, token: upstreams.token });

      expect(reply.status).toBe(200);
      expect(deprecationOf(reply.headers)).toEqual({
        deprecation: undefined,
        sunset: undefined,
        link: undefined,
      });
    },
  );

  // Last: it replaces how the order upstream answers for the rest of the file.
  it("when the upstream sends Link and Deprecation of its own, then its links stay and the routes file's dates win", async () => {
    upstreams.order.handle((_req, res) => {
      res
        .writeHead(200, {
          'content-type': 'application/json',
          link: '</api/v1/orders?cursor=abc>; rel="next"',
          deprecation: '@0',
        })
        .end('{"items":[],"nextCursor":"abc"}');
    });
    const reply = await send(gateway.url, { path: '/api/v1/orders', token: upstreams.token });

    expect(reply.headers.link).toBe(
      `</api/v1/orders?cursor=abc>; rel="next", ${DEPRECATED_V1_LIST.link}`,
    );
    expect(reply.headers.deprecation).toBe(DEPRECATED_V1_LIST.deprecation);
  });
});
