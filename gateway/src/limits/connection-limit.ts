import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ipKeyGenerator } from 'express-rate-limit';

export type ConnectionLimit = {
  /** Connections served at a time per client address (IPv6: its /56, as the rate limits count). */
  max: number;
  /** Connections past `max` that may wait per address; past that, closed at once. */
  maxWaiting: number;
  /** A waiting connection is closed after this long. */
  waitMs: number;
};

type ServeConnection = (socket: Socket) => void;

/**
 * Serves at most `max` connections per client address at a time; the next
 * ones wait, unread, in arrival order, until one of that address's closes
 * (issue 12). A client that holds hundreds of connections and sends on each the
 * moment it is answered kept the event loop busy with one refusal per
 * connection per turn, and every other user's request waited its turn behind
 * them: logins through the gateway ×4.5 slower under a 200-connection flood,
 * ×2 with 16 (SECURITY.md). A waiting connection costs a file descriptor and
 * no CPU; closing it at once instead only made the flood reconnect as fast.
 * Installed in front of node's own `connection` listener of `server`, before it
 * listens (serve()'s `guard`); `release` closes the waiting connections when
 * the server drains, since the server does not know of them yet.
 */
export function limitConnectionsPerAddress(
  server: Server,
  limit: ConnectionLimit,
): { release: () => void } {
  const serveConnection = server.listeners('connection')[0] as ServeConnection;
  server.removeAllListeners('connection');
  const served = new Map<string, number>();
  const waiting = new Map<string, Socket[]>();

  const serve = (socket: Socket, address: string) => {
    served.set(address, (served.get(address) ?? 0) + 1);
    socket.once('close', () => {
      const left = (served.get(address) ?? 1) - 1;
      if (left === 0) served.delete(address);
      else served.set(address, left);
      serveNextWaiting(address);
    });
    serveConnection.call(server, socket);
  };

  const serveNextWaiting = (address: string) => {
    const queue = waiting.get(address);
    const next = queue?.shift();
    if (queue?.length === 0) waiting.delete(address);
    if (next) {
      next.setTimeout(0);
      next.off('timeout', next.destroy);
      serve(next, address);
    }
  };

  const wait = (socket: Socket, address: string) => {
    const queue = waiting.get(address) ?? [];
    if (queue.length >= limit.maxWaiting) {
      socket.destroy();
      return;
    }
    queue.push(socket);
    waiting.set(address, queue);
    socket.setTimeout(limit.waitMs, socket.destroy);
    // A client that gives up while it waits leaves the queue.
    socket.once('close', () => {
      const index = queue.indexOf(socket);
      if (index !== -1) queue.splice(index, 1);
      if (queue.length === 0 && waiting.get(address) === queue) waiting.delete(address);
    });
  };

  server.on('connection', (socket: Socket) => {
    const address = ipKeyGenerator(socket.remoteAddress ?? 'unknown');
    if ((served.get(address) ?? 0) < limit.max) serve(socket, address);
    else wait(socket, address);
  });
  return {
    release: () => {
      for (const queue of waiting.values()) for (const socket of [...queue]) socket.destroy();
    },
  };
}
