import { EventEmitter, once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import { type AddressInfo, connect as connectTcp, type Socket } from 'node:net';
import { createLogger } from '@portico/logging';
import WebSocket, { WebSocketServer } from 'ws';
import {
  type RunningGateway,
  send,
  startGateway,
  useUpstreams,
} from './support/gateway-harness.js';
import { registrySample } from './support/registry-sample.js';
import { upstreamsYaml, useRoutesFiles } from './support/routes-files.js';

const UPSTREAM_TIMEOUT_MS = 300;
const STREAM_IDLE_TIMEOUT_MS = 1_000;
const HANDSHAKE_TIMEOUT_MS = 200;
const ORIGIN = 'https://app.example';
const BREAKER_FAILURE_THRESHOLD = 3;

/**
 * A chat service: a real `ws` server that echoes every message, remembers
 * the handshakes it saw, answers `/api/v1/chat/refused` with a 409 of its
 * own and never answers under `/api/v1/slow-chat`. A plain request gets 200.
 */
type ChatService = {
  url: string;
  handshakes: IncomingHttpHeaders[];
  /** The targets of the ordinary requests it answered. */
  requests: string[];
  /** The upstream side of every WebSocket opened, to watch it close. */
  sockets: WebSocket[];
  close: () => Promise<void>;
};

async function startChatService(): Promise<ChatService> {
  const wss = new WebSocketServer({ noServer: true });
  const handshakes: IncomingHttpHeaders[] = [];
  const requests: string[] = [];
  const sockets: WebSocket[] = [];
  const held: Socket[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`plain ${req.headers.upgrade ?? ''}`);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    handshakes.push(req.headers);
    if (req.url?.startsWith('/api/v1/slow-chat')) {
      held.push(socket);
      return;
    }
    if (req.url === '/api/v1/chat/refused') {
      socket.end(
        'HTTP/1.1 409 Conflict\r\ncontent-type: text/plain\r\ncontent-length: 9\r\n\r\nroom full',
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.push(ws);
      ws.on('message', (data) => {
        if (String(data) === 'leave') ws.close(4000, 'bye');
        else ws.send(`echo:${String(data)}`);
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handshakes,
    requests,
    sockets,
    close: async () => {
      for (const socket of held) socket.destroy();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A port nothing listens on: the upstream that is down. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const routesFile = (chatUrl: string, deadUrl: string) => `
upstreams:
${upstreamsYaml({
  'chat-service': chatUrl,
  'dead-service': deadUrl,
  'gone-service': deadUrl,
  'replicated-chat': [deadUrl, chatUrl],
})}
routes:
  - prefix: /api/v1/chat
    upstream: chat-service
    access: token
    websocket: true
  - prefix: /api/v1/ops-chat
    upstream: chat-service
    access: { role: admin }
    websocket: true
  - prefix: /api/v1/slow-chat
    upstream: chat-service
    access: public
    timeoutMs: ${HANDSHAKE_TIMEOUT_MS}
    websocket: true
  - prefix: /api/v1/dead
    upstream: dead-service
    access: public
    retries: 0
    websocket: true
  - prefix: /api/v1/gone
    upstream: gone-service
    access: public
    retries: 0
    websocket: true
  - prefix: /api/v1/replicated-chat
    upstream: replicated-chat
    access: public
    retries: 1
    websocket: true
  - prefix: /api/v1/plain
    upstream: chat-service
    access: public
`;

const upstreams = useUpstreams();
const files = useRoutesFiles();
let chat: ChatService;
let gateway: RunningGateway;
let deadUrl: string;
/** The gateway's log lines, parsed; `logged` announces each. */
const lines: Record<string, unknown>[] = [];
const logged = new EventEmitter();

/** The request log's line for `requestId`, once it is written. */
async function lineOf(requestId: unknown): Promise<Record<string, unknown>> {
  for (;;) {
    const line = lines.find((candidate) => candidate.requestId === requestId);
    if (line) return line;
    await once(logged, 'line');
  }
}

const gatewayEnv = () => ({
  GATEWAY_ROUTES_FILE: files.write('ws-routes.yaml', routesFile(chat.url, deadUrl)),
  UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
  STREAM_IDLE_TIMEOUT_MS: String(STREAM_IDLE_TIMEOUT_MS),
  CORS_ORIGINS: ORIGIN,
  BREAKER_FAILURE_THRESHOLD: String(BREAKER_FAILURE_THRESHOLD),
});

beforeAll(async () => {
  chat = await startChatService();
  deadUrl = `http://127.0.0.1:${await closedPort()}`;
  const logger = createLogger({
    service: 'gateway',
    level: 'info',
    format: 'json',
    destination: {
      write: (line: string) => {
        lines.push(JSON.parse(line));
        logged.emit('line');
      },
    },
  });
  gateway = await startGateway(upstreams, gatewayEnv(), logger);
});

afterAll(async () => {
  await gateway?.close();
  await chat?.close();
});

beforeEach(() => {
  chat.handshakes.length = 0;
  chat.requests.length = 0;
});

const wsUrl = (base: string, path: string) => `${base.replace(/^http/, 'ws')}${path}`;

/** The client's socket once open, with the head of the gateway's 101. */
async function connect(
  path: string,
  headers: Record<string, string> = {},
  base = gateway.url,
): Promise<{ ws: WebSocket; head: IncomingHttpHeaders }> {
  const ws = new WebSocket(wsUrl(base, path), { headers });
  // `open` follows `upgrade` in the same tick: both are awaited from the start.
  const upgraded = once(ws, 'upgrade') as Promise<[IncomingMessage]>;
  await once(ws, 'open');
  const [res] = await upgraded;
  return { ws, head: res.headers };
}

/** The gateway's answer to a handshake it (or the upstream) refused. */
async function refusal(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  const ws = new WebSocket(wsUrl(gateway.url, path), { headers });
  ws.on('error', () => {});
  const [, res] = (await once(ws, 'unexpected-response')) as [unknown, IncomingMessage];
  let body = '';
  res.setEncoding('utf8');
  for await (const chunk of res) body += chunk;
  return { status: res.statusCode ?? 0, body, headers: res.headers };
}

async function echo(ws: WebSocket, message: string): Promise<string> {
  ws.send(message);
  const [data] = await once(ws, 'message');
  return String(data);
}

const bearer = () => ({ authorization: `Bearer ${upstreams.token}` });

describe('a WebSocket through the gateway', () => {
  it('when a caller with a token opens one on a websocket route, then messages echo through both ways', async () => {
    const { ws } = await connect('/api/v1/chat/room-1', bearer());

    expect(await echo(ws, 'hello')).toBe('echo:hello');
    expect(await echo(ws, 'again')).toBe('echo:again');
    ws.close();
    await once(ws, 'close');
  });

  it('when a handshake passes, then the upstream sees the HTTP path’s headers and the client gets the request id back', async () => {
    const { ws, head } = await connect('/api/v1/chat/room-2', {
      ...bearer(),
      'x-user-id': 'spoofed',
      'x-forwarded-for': '203.0.113.9',
    });
    ws.close();

    const seen = chat.handshakes[0]!;
    expect(seen['x-request-id']).toBe(head['x-request-id']);
    expect(head['x-request-id']).toMatch(/^[\w-]{8,}$/);
    expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    // As on the HTTP path: the token goes on (services verify it again), identity headers do not.
    expect(seen.authorization).toBe(`Bearer ${upstreams.token}`);
    expect(seen['x-user-id']).toBeUndefined();
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-host']).toBe(new URL(gateway.url).host);
    expect(seen.host).toBe(new URL(chat.url).host);
    expect(seen.upgrade).toBe('websocket');
    expect(seen['sec-websocket-key']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it('when the socket closes, then one log line and one sample name the route with status 101', async () => {
    const upgrades = () =>
      registrySample(gateway.gateway.registry, 'gateway_requests_total', {
        route: '/api/v1/chat/**',
        status: '101',
      });
    const before = await upgrades();
    const { ws, head } = await connect('/api/v1/chat/room-3', bearer());
    expect(await echo(ws, 'hi')).toBe('echo:hi');
    ws.close();
    await once(ws, 'close');

    expect(await lineOf(head['x-request-id'])).toMatchObject({
      route: '/api/v1/chat/**',
      upstream: 'chat-service',
      method: 'GET',
      status: 101,
      msg: 'request completed',
    });
    // An earlier test's socket may close meanwhile: at least this one was counted.
    expect(await upgrades()).toBeGreaterThan(before);
  });

  it('when a WebSocket opens and closes, then the open gauge counts it up and back down', async () => {
    const open = () =>
      registrySample(gateway.gateway.registry, 'gateway_websockets_open', {
        route: '/api/v1/ops-chat/**',
        upstream: 'chat-service',
      });
    const admin = await upstreams.kit.userToken(undefined, { roles: ['user', 'admin'] });
    const { ws, head } = await connect('/api/v1/ops-chat', { authorization: `Bearer ${admin}` });

    expect(await open()).toBe(1);
    ws.close();
    await lineOf(head['x-request-id']);
    expect(await open()).toBe(0);
  });

  it('when a WebSocket closes, then its lifetime stays out of the route’s latency histogram', async () => {
    const latencies = () =>
      registrySample(gateway.gateway.registry, 'gateway_request_duration_seconds', {
        route: '/api/v1/chat/**',
        le: '+Inf',
      });
    const before = await latencies();
    await refusal('/api/v1/chat/refused', bearer());
    const { ws, head } = await connect('/api/v1/chat/room-4', bearer());
    ws.close();
    await lineOf(head['x-request-id']);

    // The refused handshake is a latency; the socket is not.
    expect(await latencies()).toBe(before + 1);
  });

  it('when the upstream closes the WebSocket, then its close frame reaches the client and both sockets close', async () => {
    const { ws } = await connect('/api/v1/chat/room-5', bearer());
    const upstreamSide = chat.sockets.at(-1)!;
    ws.send('leave');

    const [code, reason] = await once(ws, 'close');
    expect(code).toBe(4000);
    expect(String(reason)).toBe('bye');
    if (upstreamSide.readyState !== WebSocket.CLOSED) await once(upstreamSide, 'close');
    expect(upstreamSide.readyState).toBe(WebSocket.CLOSED);
  });

  it('when one of the upstream’s endpoints is down, then every handshake still opens, on the other', async () => {
    // Round-robin puts one of the two on the dead endpoint first: its retry goes to the live one.
    for (const room of ['a', 'b']) {
      const { ws } = await connect(`/api/v1/replicated-chat/${room}`);
      expect(await echo(ws, room)).toBe(`echo:${room}`);
      ws.close();
    }
    expect(chat.handshakes).toHaveLength(2);
  });

  it('when the upstream answers the handshake with its own refusal, then the client gets that status and body', async () => {
    const answer = await refusal('/api/v1/chat/refused', bearer());

    expect(answer.status).toBe(409);
    expect(answer.body).toBe('room full');
  });

  it('when a request asks for another protocol (h2c), then it is served as an ordinary request', async () => {
    const reply = await send(gateway.url, {
      path: '/api/v1/plain/x',
      headers: {
        connection: 'Upgrade, HTTP2-Settings',
        upgrade: 'h2c',
        'http2-settings': 'AAMAAABkAARAAAAAAAIAAAAA',
      },
    });

    expect(reply.status).toBe(200);
    // The upstream got a plain GET: Upgrade is hop-by-hop.
    expect(reply.text).toBe('plain ');
    expect(reply.headers.connection).toBe('close');
  });
});

describe('handshakes the gateway refuses', () => {
  it('when there is no token, then 401 with the bearer challenge and nothing reaches the upstream', async () => {
    const answer = await refusal('/api/v1/chat/room');

    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="portico"');
    expect(JSON.parse(answer.body)).toMatchObject({
      code: 'TOKEN_REQUIRED',
      instance: '/api/v1/chat/room',
    });
    expect(chat.handshakes).toHaveLength(0);
  });

  it('when the token lacks the route’s role, then 403 ROLE_REQUIRED', async () => {
    const answer = await refusal('/api/v1/ops-chat', bearer());

    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).code).toBe('ROLE_REQUIRED');
    expect(chat.handshakes).toHaveLength(0);
  });

  it.each([
    ['no route', '/api/v1/nothing/here'],
    ['/internal', '/internal/v1/users/1'],
    ['a path that is not canonical', '/api/v1/chat/%2e%2e/x'],
  ])('when the path has %s, then 404', async (_case, path) => {
    const answer = await refusal(path, bearer());

    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(chat.handshakes).toHaveLength(0);
  });

  it('when the route does not take WebSockets, then 400 WEBSOCKET_NOT_ALLOWED', async () => {
    const answer = await refusal('/api/v1/plain/x');

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).code).toBe('WEBSOCKET_NOT_ALLOWED');
    expect(chat.handshakes).toHaveLength(0);
  });

  it('when a browser handshake comes from an origin CORS_ORIGINS does not list, then 403 ORIGIN_NOT_ALLOWED', async () => {
    const answer = await refusal('/api/v1/chat/room', {
      ...bearer(),
      origin: 'https://evil.example',
    });

    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).code).toBe('ORIGIN_NOT_ALLOWED');
    expect(chat.handshakes).toHaveLength(0);
  });

  it('when a browser handshake comes from a listed origin, then it opens', async () => {
    const { ws, head } = await connect('/api/v1/chat/room', { ...bearer(), origin: ORIGIN });

    expect(head['access-control-allow-origin']).toBe(ORIGIN);
    expect(await echo(ws, 'hi')).toBe('echo:hi');
    ws.close();
  });

  it('when the upstream is down, then 502 UPSTREAM_UNAVAILABLE', async () => {
    const answer = await refusal('/api/v1/dead/socket');

    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('when handshakes keep failing, then the endpoint’s circuit opens and the gateway answers 503 itself', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BREAKER_FAILURE_THRESHOLD; i += 1) {
      statuses.push((await refusal('/api/v1/gone/socket')).status);
    }
    const answer = await refusal('/api/v1/gone/socket');

    expect(statuses).toEqual(Array(BREAKER_FAILURE_THRESHOLD).fill(502));
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body).code).toBe('UPSTREAM_CIRCUIT_OPEN');
  });

  it('when the upstream does not answer the handshake within the route timeout, then 504 UPSTREAM_TIMEOUT', async () => {
    const answer = await refusal('/api/v1/slow-chat/room');

    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.body).code).toBe('UPSTREAM_TIMEOUT');
    expect(chat.handshakes).toHaveLength(1);
  });
});

/** Writes `raw` on a new connection to the gateway; resolves with all it answered once it closes. */
async function rawExchange(raw: string): Promise<string> {
  const { port } = new URL(gateway.url);
  const socket = connectTcp(Number(port), '127.0.0.1');
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    answer += chunk;
  });
  socket.write(raw);
  await once(socket, 'close');
  return answer;
}

describe('requests smuggled behind an upgrade', () => {
  const smuggled = 'GET /api/v1/plain/smuggled HTTP/1.1\r\nhost: localhost\r\n\r\n';

  // h2c is served as an ordinary request; a handshake on a route without websocket: true is a 400.
  it.each([
    ['h2c', 200],
    ['websocket', 400],
  ])(
    'when an Upgrade: %s request has another pipelined behind it, then only the first is answered (%i)',
    async (protocol, status) => {
      const answer = await rawExchange(
        `GET /api/v1/plain/first HTTP/1.1\r\nhost: localhost\r\nconnection: Upgrade\r\nupgrade: ${protocol}\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n${smuggled}`,
      );

      expect(answer.match(/^HTTP\/1\.1 \d{3}/gm)).toEqual([`HTTP/1.1 ${status}`]);
      expect(chat.requests).not.toContain('/api/v1/plain/smuggled');
    },
  );
});

describe('the idle timeout', () => {
  it('when neither side sends a byte for STREAM_IDLE_TIMEOUT_MS, then the gateway closes both sockets', async () => {
    const { ws } = await connect('/api/v1/chat/quiet', bearer());
    const upstreamSide = chat.sockets.at(-1)!;
    const openedAt = Date.now();

    const [code] = await once(ws, 'close');
    // The per-try UPSTREAM_TIMEOUT_MS (300 ms) did not cut it: only the idle timeout did.
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(STREAM_IDLE_TIMEOUT_MS - 50);
    // No close frame: the gateway cut the TCP connection (1006, abnormal closure).
    expect(code).toBe(1006);
    if (upstreamSide.readyState !== WebSocket.CLOSED) await once(upstreamSide, 'close');
    expect(upstreamSide.readyState).toBe(WebSocket.CLOSED);
  });

  it('when messages keep flowing, then the socket stays open past the idle timeout', async () => {
    const { ws } = await connect('/api/v1/chat/busy', bearer());
    let closed = false;
    ws.on('close', () => {
      closed = true;
    });

    // Two idle timeouts' worth of traffic, a message every fifth of one.
    for (let i = 0; i < 10; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, STREAM_IDLE_TIMEOUT_MS / 5));
      expect(await echo(ws, `tick ${i}`)).toBe(`echo:tick ${i}`);
    }
    expect(closed).toBe(false);
    ws.close();
  });
});

describe('shutdown', () => {
  it('when the gateway shuts down, then its open WebSockets are closed and the drain completes', async () => {
    const own = await startGateway(upstreams, gatewayEnv());
    const { ws } = await connect('/api/v1/chat/leaving', bearer(), own.url);
    const upstreamSide = chat.sockets.at(-1)!;
    const closedByGateway = once(ws, 'close');

    await own.close();

    await closedByGateway;
    expect(ws.readyState).toBe(WebSocket.CLOSED);
    if (upstreamSide.readyState !== WebSocket.CLOSED) await once(upstreamSide, 'close');
    expect(upstreamSide.readyState).toBe(WebSocket.CLOSED);
  });
});
