import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { type Listening, listenLocally } from './listen.js';

/** What the upstream saw of one call, its body whole. */
export type SeenCall = { method: string; url: string; headers: IncomingHttpHeaders; body: string };

/** Answers one call; `callNo` counts from 1 in arrival order. */
export type UpstreamHandler = (call: SeenCall, res: ServerResponse, callNo: number) => void;

export type Upstream = Listening & { calls: SeenCall[] };

/** A throwaway HTTP upstream on 127.0.0.1 that records every call before `handler` answers it. */
export async function startUpstream(handler: UpstreamHandler, port = 0): Promise<Upstream> {
  const calls: SeenCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
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
  return { ...(await listenLocally(server, port)), calls };
}

/** Answers with `body` as JSON (or as `type`). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/json',
): void {
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}
