import { type IncomingHttpHeaders, request } from 'node:http';

export type RawRequest = {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** Sent as is with a Content-Length (fetch adds a content-type of its own and refuses GET bodies). */
  body?: string | Buffer;
};

export type RawResponse = {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body, when it is JSON. */
  json: Record<string, unknown> | undefined;
};

/** One HTTP request with exactly the given headers and bytes. */
export function send(base: string, req: RawRequest): Promise<RawResponse> {
  const headers = { ...req.headers };
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const outgoing = request(`${base}${req.path}`, { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
