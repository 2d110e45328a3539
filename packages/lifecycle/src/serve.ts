import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '@portico/logging';

export type Served = {
  server: Server;
  /** `http://host:port` the server listens on (port 0 resolved). */
  url: string;
  /** Stops accepting, drains in-flight requests (bounded by `drainMs`), then runs `onClose`. */
  close: () => Promise<void>;
};

export type ServeOptions = {
  port: number;
  host: string;
  logger: Logger;
  /** Releases what the service opened (database, Redis), after the last request. */
  onClose?: () => Promise<void>;
  /** Aborted when draining starts: long polls answer at once instead of holding the drain. */
  draining?: AbortController;
  /** How long in-flight requests may take to finish on shutdown. */
  drainMs?: number;
  /** Stop on SIGTERM / SIGINT (server.ts wants this; tests do not). */
  handleSignals?: boolean;
  /** How long a client may take to send its headers (default 10 s) and its whole request (30 s). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Takes over a request that asks for a protocol upgrade (the server's
   * `upgrade` event): `socket` is the client's, no longer HTTP's, and `head`
   * the bytes read past the request's head. Without it, Node serves such a
   * request as an ordinary one, with `Upgrade` left for the listener to ignore.
   */
  upgrade?: UpgradeListener;
  /**
   * Installed on the server before it listens, e.g. a connection limit that
   * holds some connections unread (the gateway's). Its `release` runs when
   * draining starts, for the connections it holds that the server does not serve yet.
   */
  guard?: (server: Server) => { release: () => void };
};

export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Said to an upgrade that arrives while draining: the socket is not handed over. */
const DRAINING_ANSWER =
  'HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';

const SLOT = Symbol('portico.in-flight-slot');
type Tracked = ServerResponse & { [SLOT]?: number };

/**
 * The responses not yet closed, so shutdown can ask each for `Connection:
 * close`. An array with swap-remove (each response knows its slot), not a
 * Set: with a Set holding every in-flight response, V8 promoted nearly every
 * request's objects to the old generation (scavenges 1 → 5 ms, old space
 * growing ~2 MB per scavenge; 18–28% of the gateway's CPU per request,
 * measured with --trace-gc and bench/gateway-bench.mjs runs). The close
 * listener is one function for all responses, not a closure per request.
 */
function inFlightResponses() {
  const responses: Tracked[] = [];
  function untrack(this: Tracked): void {
    const slot = this[SLOT];
    if (slot === undefined) return;
    this[SLOT] = undefined;
    const last = responses.pop()!;
    if (last !== this) {
      responses[slot] = last;
      last[SLOT] = slot;
    }
  }
  return {
    add(res: Tracked): void {
      res[SLOT] = responses.length;
      responses.push(res);
      res.on('close', untrack);
    },
    all: (): readonly ServerResponse[] => [...responses],
  };
}

/**
 * The sockets handed to the upgrade listener. Node forgets them: they hold
 * `server.close()` open, yet `closeAllConnections()` does not reach them.
 * Upgrades are rare and long-lived, so a Set is cheap here.
 */
function upgradedSockets() {
  const sockets = new Set<Duplex>();
  return {
    add(socket: Duplex): void {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      // Node no longer listens for its errors once it hands it over: without
      // this, a reset on a socket whose listener added none would throw.
      socket.on('error', () => socket.destroy());
    },
    /** Half-closes each (its protocol's peer sees the end), so a proxied one closes both ways. */
    end(): void {
      for (const socket of sockets) socket.end();
    },
    destroy(): void {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * Listens with timeouts that stop a slow client from holding a socket forever
 * (headers in 10 s, the whole request in 30 s, each enforced within a second),
 * and shuts down gracefully, upgraded sockets included.
 */
export async function serve(listener: RequestListener, options: ServeOptions): Promise<Served> {
  let closing: Promise<void> | undefined;
  const inFlight = inFlightResponses();
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      // Node checks both timeouts only this often (default 30 s): a client
      // dribbling its headers held a socket ~30 s, not 10 (attack suite, issue 7).
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(headersTimeout / 4)),
    },
    (req, res) => {
      inFlight.add(res);
      if (closing) res.setHeader('connection', 'close');
      listener(req, res);
    },
  );
  // Above typical client pools' idle timeouts is wrong; below the gateway's agent is right.
  server.keepAliveTimeout = 5_000;
  const upgraded = upgradedSockets();
  const { upgrade } = options;
  if (upgrade) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      upgraded.add(socket);
      if (closing) socket.end(DRAINING_ANSWER);
      else upgrade(req, socket, head);
    });
  }
  const guard = options.guard?.(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;

  const close = () => {
    closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      options.draining?.abort();
      server.closeIdleConnections();
      guard?.release();
      // RFC 9112 §9.6: a busy keep-alive socket would otherwise stay open after its
      // response until the client's idle timeout, holding the drain for seconds.
      for (const res of inFlight.all()) if (!res.headersSent) res.setHeader('connection', 'close');
      // An upgraded socket (a WebSocket) has no end of its own to wait for.
      upgraded.end();
      const deadline = setTimeout(() => {
        server.closeAllConnections();
        upgraded.destroy();
      }, options.drainMs ?? 10_000);
      await drained;
      clearTimeout(deadline);
      await options.onClose?.();
    })();
    return closing;
  };

  if (options.handleSignals) {
    const stop = (signal: string) => {
      options.logger.info({ signal }, 'shutting down');
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          options.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  }
  options.logger.info({ url }, 'listening');
  return { server, url, close };
}
