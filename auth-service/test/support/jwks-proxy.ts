import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JwksProxy = {
  /** Put this in front of `/.well-known/jwks.json` in a verifier's `jwksUrl`. */
  url: string;
  /** How many JWKS requests went through so far. */
  fetches: () => number;
  close: () => Promise<void>;
};

/** A pass-through HTTP proxy to `target` that counts the key-set requests verifiers make. */
export async function startJwksProxy(target: string): Promise<JwksProxy> {
  let count = 0;
  const server = createServer(async (req, res) => {
    if (req.url === '/.well-known/jwks.json') count += 1;
    try {
      const upstream = await fetch(`${target}${req.url}`);
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fetches: () => count,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
