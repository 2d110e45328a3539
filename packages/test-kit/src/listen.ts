import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server listening on loopback, and how to stop it. */
export type Listening = {
  url: string;
  port: number;
  /** Drops open connections (keep-alive, held answers) first, so closing never waits on a client. */
  close: () => Promise<void>;
};

/** Listens on 127.0.0.1, on `port` or (by default) one the system picks. */
export async function listenLocally(server: Server, port = 0): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
