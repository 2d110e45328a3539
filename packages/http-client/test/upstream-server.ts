import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the upstream saw of one call. */
export type SeenCall = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

export type Upstream = {
  url: string;
  port: number;
  calls: SeenCall[];
  close(): Promise<void>;
};

type Handler = (call: SeenCall, res: ServerResponse, callNo: number) => void;

/** A real node:http server on 127.0.0.1 that records every call it receives. */
export async function startUpstream(handler: Handler, port = 0): Promise<Upstream> {
  const calls: SeenCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      calls.push(call);
      handler(call, res, calls.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/json',
): void {
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

/** A port nothing listens on (bound, then released), so connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const probe = await startUpstream(() => undefined);
  await probe.close();
  return probe.port;
}

/** An auth service token endpoint that issues `token-1`, `token-2`, ... */
export function startAuth(expiresIn = 3600): Promise<Upstream> {
  return startUpstream((call, res, n) => {
    if (call.method !== 'POST' || call.url !== '/api/v1/auth/token') {
      sendJson(res, 404, {});
      return;
    }
    sendJson(res, 200, {
      access_token: `token-${n}`,
      token_type: 'Bearer',
      expires_in: expiresIn,
      scope: 'inventory:read',
    });
  });
}
