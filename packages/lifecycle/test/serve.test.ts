import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@portico/logging';
import { createServiceApp, type Served, serve } from '../src/index.js';

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
