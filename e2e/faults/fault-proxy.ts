import { connect, createServer, type Socket } from 'node:net';

/** `pass`: a plain TCP relay; `delay`: every chunk held `delayMs` each way; `refuse`: nothing listens. */
export type ProxyMode = { kind: 'pass' } | { kind: 'delay'; delayMs: number } | { kind: 'refuse' };

export type FaultProxy = {
  url: string;
  port: number;
  mode: () => ProxyMode;
  /** Switches mode; `refuse` closes the listener and cuts every open connection. */
  set: (mode: ProxyMode) => Promise<void>;
  close: () => Promise<void>;
};

/**
 * A TCP proxy between the gateway and one upstream, so a test can make that
 * upstream slow (latency on every chunk, both ways) or unreachable (the port
 * refuses connections, as a dead host's would) while the upstream itself runs on.
 */
export async function startFaultProxy(port: number, targetPort: number): Promise<FaultProxy> {
  let mode: ProxyMode = { kind: 'pass' };
  const open = new Set<Socket>();

  /** Forwards `from` to `to` in order: each chunk (and the end) waits the delay in force as it arrived. */
  const relay = (from: Socket, to: Socket) => {
    let due = 0;
    const later = (act: () => void) => {
      due = Math.max(due, Date.now() + (mode.kind === 'delay' ? mode.delayMs : 0));
      const waitMs = due - Date.now();
      if (waitMs <= 0) act();
      else setTimeout(act, waitMs);
    };
    from.on('data', (chunk: Buffer) => later(() => to.destroyed || to.write(chunk)));
    from.on('end', () => later(() => to.end()));
    from.on('close', (hadError) => hadError && later(() => to.destroy()));
    from.on('error', () => to.destroy());
  };

  const server = createServer((client) => {
    const upstream = connect({ port: targetPort, host: '127.0.0.1' });
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
    }
    relay(client, upstream);
    relay(upstream, client);
  });

  const listen = () =>
    new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', fail);
        done();
      });
    });
  const stopListening = () =>
    new Promise<void>((done) => {
      if (!server.listening) return done();
      server.close(() => done());
      for (const socket of open) socket.destroy();
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    mode: () => mode,
    set: async (next) => {
      if (next.kind === 'refuse') await stopListening();
      else if (!server.listening) await listen();
      mode = next;
    },
    close: stopListening,
  };
}
