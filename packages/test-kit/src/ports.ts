import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 a moment ago (bound on 0, read, released): for
 * a process the test starts itself, or a connection that must be refused.
 */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** An http URL where nothing listens, so connecting to it is refused. */
export async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
