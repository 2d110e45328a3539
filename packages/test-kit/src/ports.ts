import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * `count` TCP ports free on 127.0.0.1 a moment ago, all different: each is
 * bound on 0 while the others are, then all are released. For processes a
 * test starts itself, or connections that must be refused.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer().listen(0, '127.0.0.1'));
  await Promise.all(servers.map((server) => once(server, 'listening')));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(
    servers.map((server) => {
      server.close();
      return once(server, 'close');
    }),
  );
  return ports;
}

/** One TCP port free on 127.0.0.1 a moment ago (see freePorts). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/** An http URL where nothing listens, so connecting to it is refused. */
export async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
