import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** A refused handshake's socket is done once its answer is out; a 101's carries the WebSocket on. */
function endUnlessUpgraded(this: ServerResponse): void {
  if (this.statusCode !== 101) this.socket?.end();
}

/** A reset from the client: its `close` follows, and the request log records a 499. */
const ignore = () => {};

/**
 * A response written on an upgrade request's raw socket, so the stages, the
 * admin app and `sendProblem` answer it as they answer any request: a refusal
 * is a plain HTTP/1.1 answer with its problem body, then the socket ends.
 * Node supports a ServerResponse assigned to any socket; it closes (and so
 * ends the request's log line) when the socket does. The socket has left
 * Node's HTTP parser, so no second request can follow on it: no keep-alive.
 */
export function socketResponse(req: IncomingMessage, socket: Duplex): ServerResponse {
  // Node no longer listens for this socket's errors once it is handed over.
  socket.on('error', ignore);
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.on('finish', endUnlessUpgraded);
  return res;
}
