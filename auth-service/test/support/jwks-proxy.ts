import { createServer } from 'node:http';
import { listenLocally } from '@portico/test-kit';

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
  const { url, close } = await listenLocally(server);
  return { url, fetches: () => count, close };
}
