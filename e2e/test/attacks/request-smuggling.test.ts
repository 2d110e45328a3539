import { gzipSync } from 'node:zlib';
import { serve } from '@portico/lifecycle';
import { createLogger } from '@portico/logging';
import { rawExchange } from './support/clients.js';
import { expectCleanLogs } from './support/leaks.js';
import {
  type Arrival,
  HEADERS_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  useSystemUnderAttack,
} from './support/system-under-attack.js';

const system = useSystemUnderAttack();

/** What the gateway must never pass on: it would answer this target 404 itself. */
const SMUGGLED = '/internal/v1/events?after=0';
const smuggled = `GET ${SMUGGLED} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;
const LOGIN = '{"email":"a@b.co","password":"x"}';

/**
 * Sends `bytes` to the gateway and returns what came back, and what every
 * process received meanwhile. An upstream must see only requests the gateway
 * itself parsed (and routed), and never the smuggled target.
 */
async function attack(bytes: string, waitMs = 5_000) {
  const before = system.arrivals.length;
  const reply = await rawExchange(system.gateway, bytes, { waitMs });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const seen = system.arrivals.slice(before);
  const atGateway = seen.filter((a) => a.process === 'gateway').map((a) => a.url);
  const upstream = seen.filter((a) => a.forwarded);
  return { reply, atGateway, upstream };
}

function expectNothingSmuggled(result: { atGateway: string[]; upstream: Arrival[] }) {
  expect(result.upstream.filter((a) => a.url.includes('/internal/'))).toEqual([]);
  expect(result.upstream.filter((a) => !result.atGateway.includes(a.url))).toEqual([]);
  expect(result.upstream.length).toBeLessThanOrEqual(result.atGateway.length);
}

const post = (headers: string, body: string) =>
  `POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;

/** Framings that two parsers could read differently: each must be refused outright. */
const AMBIGUOUS: [string, string][] = [
  [
    'CL.TE: Content-Length and Transfer-Encoding',
    post(`Content-Length: 6\r\nTransfer-Encoding: chunked\r\n`, `0\r\n\r\n${smuggled}`),
  ],
  [
    'TE.CL: Transfer-Encoding before Content-Length',
    post(`Transfer-Encoding: chunked\r\nContent-Length: 4\r\n`, `5c\r\n${smuggled}\r\n0\r\n\r\n`),
  ],
  [
    'two different Content-Lengths',
    post(`Content-Length: 0\r\nContent-Length: ${smuggled.length}\r\n`, smuggled),
  ],
  [
    'two equal Content-Lengths',
    post(
      `Content-Length: ${LOGIN.length}\r\nContent-Length: ${LOGIN.length}\r\n`,
      `${LOGIN}${smuggled}`,
    ),
  ],
  ['a Content-Length list', post(`Content-Length: 0, ${smuggled.length}\r\n`, smuggled)],
  ['a signed Content-Length', post(`Content-Length: +${LOGIN.length}\r\n`, `${LOGIN}${smuggled}`)],
  [
    'Transfer-Encoding: xchunked',
    post(`Transfer-Encoding: xchunked\r\nContent-Length: 0\r\n`, smuggled),
  ],
  [
    'a space before the colon of Transfer-Encoding',
    post(`Transfer-Encoding : chunked\r\nContent-Length: 0\r\n`, `0\r\n\r\n${smuggled}`),
  ],
  [
    'Transfer-Encoding: chunked, identity',
    post(`Transfer-Encoding: chunked, identity\r\n`, `0\r\n\r\n${smuggled}`),
  ],
  [
    'Transfer-Encoding: identity, chunked and a Content-Length',
    post(`Transfer-Encoding: identity, chunked\r\nContent-Length: 0\r\n`, `0\r\n\r\n${smuggled}`),
  ],
  [
    'a folded Transfer-Encoding line',
    post(
      `X-Padding: a\r\n Transfer-Encoding: chunked\r\nContent-Length: 0\r\n`,
      `0\r\n\r\n${smuggled}`,
    ),
  ],
  [
    'a chunk size with a 0x prefix',
    post(`Transfer-Encoding: chunked\r\n`, `0x5\r\nhello\r\n0\r\n\r\n${smuggled}`),
  ],
  [
    'a negative chunk size',
    post(`Transfer-Encoding: chunked\r\n`, `-1\r\nx\r\n0\r\n\r\n${smuggled}`),
  ],
  [
    'an overflowing chunk size',
    post(`Transfer-Encoding: chunked\r\n`, `10000000000000000001\r\nx\r\n0\r\n\r\n${smuggled}`),
  ],
  [
    'bare LF line endings in a chunked body',
    post(`Transfer-Encoding: chunked\r\n`, `5\nhello\n0\n\n${smuggled}`),
  ],
  [
    'a bare CR inside a header value',
    post(`X-Note: a\rTransfer-Encoding: chunked\r\nContent-Length: 0\r\n`, `0\r\n\r\n${smuggled}`),
  ],
  ['a NUL inside a header value', post(`X-Note: a\u0000b\r\nContent-Length: 0\r\n`, smuggled)],
  ['a header name with a space', post(`Content Length: 0\r\nContent-Length: 0\r\n`, smuggled)],
  [
    'an HTTP/1.1 request with no Host',
    `GET /api/v1/inventory/products HTTP/1.1\r\n\r\n${smuggled}`,
  ],
  [
    'an unknown HTTP version',
    `GET /api/v1/inventory/products HTTP/1.7\r\nHost: localhost\r\n\r\n${smuggled}`,
  ],
];

describe('request smuggling at the gateway (raw sockets)', () => {
  it.each(AMBIGUOUS)(
    'when a request has %s, then it is a 400 and the connection ends there',
    async (_name, bytes) => {
      const result = await attack(bytes);
      expect(result.reply.statuses).toEqual([400]);
      expect(result.reply.closedByServer).toBe(true);
      expectNothingSmuggled(result);
      expect(result.upstream).toEqual([]);
    },
  );

  it('when a GET carries a body that looks like a second request, then the upstream gets it as a body, never as a request', async () => {
    const result = await attack(
      `GET /api/v1/inventory/products HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}` +
        `GET /api/v1/inventory/products?limit=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    expect(result.reply.statuses).toHaveLength(2);
    expectNothingSmuggled(result);
  });

  it('when a chunked login ends and a second request follows on the connection, then the gateway answers that one itself', async () => {
    const result = await attack(
      post(
        'Transfer-Encoding: chunked\r\n',
        `${LOGIN.length.toString(16)}\r\n${LOGIN}\r\n0\r\n\r\n${smuggled}`,
      ),
    );
    expect(result.reply.statuses).toEqual([401, 404]);
    expect(result.atGateway).toContain(SMUGGLED);
    expectNothingSmuggled(result);
  });

  it('when HEAD and GET alternate over pooled upstream sockets, then no answer is desynchronised', async () => {
    for (let i = 0; i < 5; i += 1) {
      const head = await rawExchange(
        system.gateway,
        'HEAD /api/v1/inventory/products HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      );
      expect(head.statuses).toHaveLength(1);
      expect([200, 405]).toContain(head.statuses[0]);
      expect(head.text.split('\r\n\r\n')[1]).toBe('');
      const get = await rawExchange(
        system.gateway,
        'GET /api/v1/inventory/products HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      );
      expect(get.statuses).toEqual([200]);
      expect(get.text).toMatch(/\r\n\r\n(?:[0-9a-f]+\r\n)?\{"items":\[/);
    }
  });

  it('when TRACE is sent with credentials, then they are not echoed back', async () => {
    const token = system.secret('trace-me-not-0123456789abcdef');
    const result = await attack(
      `TRACE /api/v1/inventory/products HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nCookie: s=${token}\r\nConnection: close\r\n\r\n`,
    );
    expect(result.reply.statuses).toHaveLength(1);
    expect(result.reply.statuses[0]).toBeGreaterThanOrEqual(400);
    expect(result.reply.statuses[0]).toBeLessThan(500);
    expect(result.reply.text).not.toContain(token);
  });

  it('when a request asks to upgrade to h2c or a websocket, then nothing is tunnelled past the gateway', async () => {
    for (const upgrade of ['h2c', 'websocket']) {
      const result = await attack(
        `GET /api/v1/inventory/products HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: ${upgrade}\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n${smuggled}`,
        1_500,
      );
      expect(result.reply.statuses).not.toContain(101);
      expectNothingSmuggled(result);
    }
  });
});

describe('header abuse at the gateway', () => {
  it.each([
    ['one 20 KB header', `X-Big: ${'a'.repeat(20 * 1024)}\r\n`],
    ['3000 small headers', Array.from({ length: 3000 }, (_, i) => `X-H${i}: v\r\n`).join('')],
    ['a 20 KB request target', ''],
  ])(
    'when a request has %s, then 431 (or 414) and no upstream hears of it',
    async (name, headers) => {
      const target = name.includes('target')
        ? `/api/v1/inventory/products?q=${'a'.repeat(20 * 1024)}`
        : '/api/v1/inventory/products';
      const result = await attack(`GET ${target} HTTP/1.1\r\nHost: localhost\r\n${headers}\r\n`);
      expect(result.reply.statuses).toHaveLength(1);
      expect([431, 414]).toContain(result.reply.statuses[0]);
      expect(result.upstream).toEqual([]);
    },
  );

  it('when a header value hides CRLF as percent-encoding or in the request id, then no header is injected in the answer', async () => {
    const result = await attack(
      `GET /api/v1/inventory/products?x=%0d%0aSet-Cookie:%20a=b HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: abc%0d%0aSet-Cookie:%20a=b\r\nConnection: close\r\n\r\n`,
    );
    expect(result.reply.statuses).toHaveLength(1);
    expect(result.reply.text.toLowerCase()).not.toContain('set-cookie');
  });

  it.each(['gateway', 'auth'] as const)(
    'when a gzip bomb (1 KB that inflates to 10 MB) is posted to login at %s, then a 4xx at once and no error',
    async (process) => {
      const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, ' '));
      const started = Date.now();
      const res = await fetch(`${system[process]}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: bomb,
      });
      expect(bomb.length).toBeLessThan(20 * 1024);
      expect([400, 413, 415]).toContain(res.status);
      expect(Date.now() - started).toBeLessThan(2_000);
    },
  );

  it('when the Host and X-Forwarded-Host name another site, then the discovery document still names the configured one', async () => {
    const result = await attack(
      'GET /.well-known/openid-configuration HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\nForwarded: host=evil.example\r\nConnection: close\r\n\r\n',
    );
    expect(result.reply.statuses).toEqual([200]);
    expect(result.reply.text).toContain('"jwks_uri":"http://127.0.0.1:8080/.well-known/jwks.json"');
    expect(result.reply.text).not.toContain('evil');
  });
});

describe('slow clients', () => {
  it('when headers are dribbled a byte at a time, then the gateway cuts the connection after its headers timeout, with 408 at most', async () => {
    const head = `GET /api/v1/inventory/products HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'a'.repeat(500)}\r\n\r\n`;
    const before = system.arrivals.length;
    const reply = await rawExchange(system.gateway, head, {
      dribbleMs: 20,
      waitMs: HEADERS_TIMEOUT_MS * 4,
    });
    expect(reply.closedByServer).toBe(true);
    expect(reply.ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(reply.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 2_000);
    expect([[], [408]]).toContainEqual(reply.statuses);
    expect(system.arrivals.slice(before)).toEqual([]);
  });

  it('when a login body is dribbled, then the gateway cuts it after its request timeout and the auth service hears nothing', async () => {
    const body = JSON.stringify({ email: 'slow@example.com', password: 'p'.repeat(200) });
    const bytes = `POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const before = system.arrivals.length;
    const reply = await rawExchange(system.gateway, bytes, {
      dribbleMs: 25,
      waitMs: REQUEST_TIMEOUT_MS * 3,
    });
    expect(reply.closedByServer).toBe(true);
    expect(reply.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    expect([[], [408]]).toContainEqual(reply.statuses);
    expect(system.arrivals.slice(before).filter((a) => a.forwarded)).toEqual([]);
  });

  it('when serve() gets no timeouts, then headers have 10 s and the whole request 30 s (the production values)', async () => {
    const served = await serve((_req, res) => res.end(), {
      port: 0,
      host: '127.0.0.1',
      logger: createLogger({ service: 'probe', level: 'silent' }),
    });
    try {
      expect(served.server.headersTimeout).toBe(10_000);
      expect(served.server.requestTimeout).toBe(30_000);
    } finally {
      await served.close();
    }
  });
});

describe('logs', () => {
  it('when every attack above is done, then no log line holds a secret', () => {
    expectCleanLogs(system);
  });
});
