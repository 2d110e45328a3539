import { createServer } from 'node:http';
import { type Listening, listenLocally } from './listen.js';
import type { SigningKey } from './signing.js';

export const JWKS_PATH = '/.well-known/jwks.json';

/** The key-set document (RFC 7517 §5) publishing `keys`. */
export const jwksDocument = (keys: readonly SigningKey[]): string =>
  JSON.stringify({ keys: keys.map((key) => key.publicJwk) });

export type JwksServer = Listening & {
  jwksUrl: string;
  /** The published keys: a test may push or splice them (a rotation). */
  keys: SigningKey[];
  /** Every path requested, in order: how often verifiers fetched the set. */
  requests: string[];
};

/** A fake auth service that serves only its JWKS, cacheable for five minutes; 404 otherwise. */
export async function startJwksServer(published: readonly SigningKey[]): Promise<JwksServer> {
  const requests: string[] = [];
  const keys = [...published];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url !== JWKS_PATH) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
      .end(jwksDocument(keys));
  });
  const listening = await listenLocally(server);
  return { ...listening, jwksUrl: `${listening.url}${JWKS_PATH}`, keys, requests };
}
