import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { listenLocally } from '@portico/test-kit';

/** What an upstream saw of one request. `complete` once the whole body arrived. */
export type Received = {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  complete: boolean;
};

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => unknown;

export type FakeUpstream = {
  name: string;
  url: string;
  /** Every request the gateway proxied for a client (health checks aside), in arrival order. */
  received: Received[];
  /**
   * The gateway's own calls (JWKS fetch, service token, user look-up): they
   * carry no X-Forwarded-For, which the gateway sets on everything it proxies.
   */
  sideCalls: Received[];
  /** Answers the gateway's own calls; unset, they get the client handler. */
  handleSide: (handler: UpstreamHandler) => void;
  /** Replaces how the upstream answers; the default echoes what it saw as JSON. */
  handle: (handler: UpstreamHandler) => void;
  close: () => Promise<void>;
};

const echo =
  (name: string): UpstreamHandler =>
  (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ upstream: name, method: req.method, url: req.url }));
  };

/** A real upstream on port 0 that records what reaches it. */
export async function startFakeUpstream(name: string): Promise<FakeUpstream> {
  const received: Received[] = [];
  const sideCalls: Received[] = [];
  let handler = echo(name);
  let sideHandler: UpstreamHandler | undefined;
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const record: Received = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.alloc(0),
      complete: false,
    };
    const side = req.headers['x-forwarded-for'] === undefined;
    (side ? sideCalls : received).push(record);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => {});
    req.on('end', () => {
      record.body = Buffer.concat(chunks);
      record.complete = true;
      void (side && sideHandler ? sideHandler : handler)(req, res, record.body);
    });
  });
  const { url, close } = await listenLocally(server);
  return {
    name,
    url,
    received,
    sideCalls,
    handle: (next) => {
      handler = next;
    },
    handleSide: (next) => {
      sideHandler = next;
    },
    close,
  };
}
