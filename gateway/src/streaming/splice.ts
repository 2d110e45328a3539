import type { Socket } from 'node:net';
import type { Exchange } from '../exchange.js';

export type SpliceOptions = {
  /** Bytes the client sent past its handshake, before the upstream had answered. */
  clientHead: Buffer;
  /** Bytes the upstream sent past its 101 head. */
  upstreamHead: Buffer;
  /** How long both sides may stay silent before the gateway closes them. */
  idleMs: number;
  /** Called once, when both sockets are closed or closing. */
  onClose: () => void;
};

/**
 * Joins an upgraded client socket to its upstream's, byte for byte both ways:
 * `pipe` passes each chunk as it comes and pauses a side whose peer reads
 * slower (backpressure), so nothing is buffered beyond the sockets' own
 * buffers. An end from one side is passed on (a WebSocket close handshake
 * finishes normally); an error or a close on either side closes both.
 *
 * The idle timeout is the client socket's: every byte either way is read or
 * written there, so it fires only when neither side said anything for
 * `idleMs`. The upstream socket's own timeout (the handshake's, the route's
 * timeout) is switched off, or it would cut a quiet WebSocket.
 */
export function splice(
  exchange: Exchange,
  client: Socket,
  upstream: Socket,
  options: SpliceOptions,
): void {
  let open = true;
  const closeBoth = () => {
    client.destroy();
    upstream.destroy();
    if (!open) return;
    open = false;
    options.onClose();
  };
  upstream.setTimeout(0);
  upstream.setNoDelay(true);
  client.setTimeout(options.idleMs, () => {
    exchange.upstreamError = 'STREAM_IDLE';
    closeBoth();
  });
  for (const socket of [client, upstream]) {
    socket.on('error', closeBoth);
    socket.on('close', closeBoth);
  }
  if (options.upstreamHead.length > 0) client.write(options.upstreamHead);
  if (options.clientHead.length > 0) upstream.write(options.clientHead);
  client.pipe(upstream);
  upstream.pipe(client);
}
