import { once } from 'node:events';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@portico/logging';
import { createServiceApp, type Served, serve, type UpgradeListener } from '../src/index.js';

const logger = createLogger({ service: 'test-service', level: 'silent' });

/** A deferred: a promise and the function that settles it. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const opened = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** An app whose `/slow` answers only once the test opens `release`. */
async function serveSlowApp(
  options: { drainMs?: number; onClose?: () => Promise<void> } = {},
  events: string[] = [],
) {
  const entered = gate();
  const release = gate();
  const app = createServiceApp({
    service: 'test-service',
    logger,
    readiness: {},
    routes: (app) => {
      app.get('/slow', async (_req, res) => {
        res.once('finish', () => events.push('response sent'));
        entered.open();
        await release.opened;
        res.json({ finished: true });
      });
    },
  });
  const served = await serve(app, { port: 0, host: '127.0.0.1', logger, ...options });
  return { served, entered, release };
}

/** One GET on its own keep-alive connection, as a pooled client would send it. */
function get(url: string): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { connection: 'keep-alive' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the error code of a new TCP connection, or 'connected'. */
function tryConnect(served: Served): Promise<string> {
  const { port } = new URL(served.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('serve', () => {
  it('when listening on port 0, then the url names the real port', async () => {
    const { served } = await serveSlowApp();
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.url).not.toMatch(/:0$/);
    expect(await get(`${served.url}/healthz`)).toMatchObject({
      status: 200,
      connection: 'keep-alive',
    });
    await served.close();
  });

  it('when closed during a slow request, then that request finishes, new connections are refused, then onClose runs', async () => {
    const events: string[] = [];
    const { served, entered, release } = await serveSlowApp(
      {
        drainMs: 20_000,
        onClose: async () => {
          events.push('onClose');
        },
      },
      events,
    );
    const inFlight = get(`${served.url}/slow`);
    await entered.opened;

    const closed = served.close().then(() => events.push('closed'));

    expect(await tryConnect(served)).toBe('ECONNREFUSED');
    expect(events).toEqual([]);
    release.open();
    // RFC 9112 §9.6: a server that is shutting down says so, so the client does not reuse the socket.
    expect(await inFlight).toEqual({ status: 200, body: '{"finished":true}', connection: 'close' });
    await closed;
    expect(events).toEqual(['response sent', 'onClose', 'closed']);
  });

  it('when a request outlives drainMs, then its connection is cut and close still completes', async () => {
    const onClose = gate();
    const { served, entered, release } = await serveSlowApp({
      drainMs: 200,
      onClose: async () => onClose.open(),
    });
    const inFlight = get(`${served.url}/slow`).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await entered.opened;

    await served.close();
    await onClose.opened;

    expect(await inFlight).toBe('ECONNRESET');
    release.open();
  });

  it('when close is called twice, then both calls resolve and onClose runs once', async () => {
    let closes = 0;
    const { served } = await serveSlowApp({
      onClose: async () => {
        closes += 1;
      },
    });
    await Promise.all([served.close(), served.close()]);
    expect(closes).toBe(1);
  });
});

const UPGRADE_REQUEST =
  'GET /chat HTTP/1.1\r\nhost: localhost\r\nconnection: Upgrade\r\nupgrade: echo\r\n\r\n';

/** A raw client that asks for an upgrade and collects what comes back. */
async function askUpgrade(served: Served, extra = '', options: { allowHalfOpen?: boolean } = {}) {
  const { port } = new URL(served.url);
  const socket: Socket = connect({ port: Number(port), host: '127.0.0.1', ...options });
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  const ended = once(socket, 'end');
  socket.write(UPGRADE_REQUEST + extra);
  return { socket, received: () => received, ended };
}

/** Switches to a protocol that echoes every byte, the bytes past the request's head first. */
const echoUpgrade: UpgradeListener = (_req, socket, head) => {
  socket.write('HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: echo\r\n\r\n');
  socket.write(head);
  socket.pipe(socket);
};

describe('serve with an upgrade listener', () => {
  const plain = createServiceApp({
    service: 'test-service',
    logger,
    readiness: {},
    routes: () => {},
  });

  it('when a request asks for an upgrade, then the listener gets its socket and the bytes past its head', async () => {
    const served = await serve(plain, { port: 0, host: '127.0.0.1', logger, upgrade: echoUpgrade });
    const client = await askUpgrade(served, 'early');

    while (!client.received().endsWith('early')) await once(client.socket, 'data');
    expect(client.received()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    client.socket.destroy();
    await served.close();
  });

  it('when there is no upgrade listener, then the request is served as an ordinary one', async () => {
    const served = await serve(plain, { port: 0, host: '127.0.0.1', logger });
    const reply = await new Promise<number>((resolve, reject) => {
      request(`${served.url}/healthz`, { headers: { connection: 'Upgrade', upgrade: 'echo' } })
        .on('response', (res) => resolve(res.statusCode ?? 0))
        .on('error', reject)
        .end();
    });

    expect(reply).toBe(200);
    await served.close();
  });

  it('when closed with an upgraded socket open, then the socket is ended and the drain does not wait for it', async () => {
    // Past the test's own timeout: only ending the socket lets close() finish.
    const served = await serve(plain, {
      port: 0,
      host: '127.0.0.1',
      logger,
      drainMs: 60_000,
      upgrade: echoUpgrade,
    });
    const client = await askUpgrade(served);
    await once(client.socket, 'data');

    const closed = served.close();
    await client.ended;
    client.socket.end();

    await closed;
    expect(client.socket.readyState).toBe('closed');
  });

  it('when an upgraded socket is not closed by its peer, then it is cut at the drain deadline', async () => {
    const served = await serve(plain, {
      port: 0,
      host: '127.0.0.1',
      logger,
      drainMs: 200,
      upgrade: (_req, socket) => {
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: echo\r\n\r\n',
        );
      },
    });
    const client = await askUpgrade(served, '', { allowHalfOpen: true });
    await once(client.socket, 'data');

    // server.close() waits for every socket it accepted: it resolves only once this one is cut.
    await served.close();

    await client.ended;
    client.socket.destroy();
  });
});
