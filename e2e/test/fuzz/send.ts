import { Agent, request as httpRequest } from 'node:http';

/** One request as it goes on the wire: the path is sent byte for byte, not normalised. */
export type RawRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
};

export type RawResponse = { status: number; headers: Record<string, unknown>; text: string };

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * Sends `req` with node:http rather than fetch: fetch normalises paths
 * (`/a/../b`), refuses bodies on GET and rewrites some headers, and those are
 * exactly the requests worth sending. A request that gets no answer within
 * `timeoutMs` is a hang, and rejects.
 */
export function send(base: string, req: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: {
          ...req.headers,
          ...(req.body !== undefined && { 'content-length': String(req.body.length) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.setTimeout(timeoutMs, () =>
      outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)),
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** Closes the kept-alive sockets, so the system can stop without waiting for them. */
export function closeConnections(): void {
  agent.destroy();
}

/** A short, printable account of a request, for a failure message. */
export function printable(req: RawRequest): string {
  const body = req.body === undefined ? '' : req.body.toString('utf8');
  const shown = body.length > 600 ? `${body.slice(0, 600)}… (${body.length} chars)` : body;
  const headers = Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${k === 'authorization' && v.length > 40 ? `${v.slice(0, 40)}…` : v}`)
    .join('\n');
  return `${req.method} ${req.path.length > 300 ? `${req.path.slice(0, 300)}…` : req.path}\n${headers}\n\n${JSON.stringify(shown)}`;
}
