import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import { send, useGateway } from './support/gateway-harness.js';

const UPSTREAM_TIMEOUT_MS = 300;
const STREAM_IDLE_TIMEOUT_MS = 3_000;
/** Silence between two events: past the per-try timeout, well inside the idle one. */
const QUIET_MS = 1_000;
const PATH = '/api/v1/orders/7c1d9a56-2f0e-4a59-9e77-0c6f1f7b1d20/events';

const { upstreams, gateway } = useGateway({
  UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
  STREAM_IDLE_TIMEOUT_MS: String(STREAM_IDLE_TIMEOUT_MS),
});

/** What a stream did: its chunks as they came, and how it ended. */
type Opened = {
  res: IncomingMessage;
  text: () => string;
  /** Resolves once the text so far contains `needle`; rejects if the stream ends first. */
  waitFor: (needle: string) => Promise<void>;
  /** `end`: a clean end of the body; `aborted`: cut. */
  ended: Promise<'end' | 'aborted'>;
  destroy: () => void;
};

function openStream(headers: Record<string, string>): Promise<Opened> {
  const { hostname, port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: PATH, headers, agent: false }, (res) => {
      let text = '';
      const waiters: { needle: string; done: () => void }[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        for (const w of waiters.filter((w) => text.includes(w.needle))) w.done();
      });
      const ended = new Promise<'end' | 'aborted'>((settle) => {
        res.on('end', () => settle('end'));
        res.on('aborted', () => settle('aborted'));
        res.on('error', () => settle('aborted'));
      });
      resolve({
        res,
        text: () => text,
        waitFor: (needle) =>
          new Promise((done, fail) => {
            if (text.includes(needle)) done();
            else waiters.push({ needle, done });
            void ended.then((how) =>
              fail(new Error(`stream ${how} before ${JSON.stringify(needle)}`)),
            );
          }),
        ended,
        destroy: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const event = (id: number) => `event: status\nid: ${id}\ndata: {"step":${id}}\n\n`;

/** The upstream's side of one stream: its head and first event are out; the rest is the test's. */
function streamingUpstream() {
  let answer: { res: ServerResponse; closed: Promise<void> } | undefined;
  let arrived: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  upstreams.order.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(event(0));
    answer = { res, closed: new Promise((resolve) => res.on('close', () => resolve())) };
    arrived();
  });
  return {
    started,
    get res() {
      return answer!.res;
    },
    get closed() {
      return answer!.closed;
    },
  };
}

describe('server-sent events through the gateway', () => {
  it('when the upstream sends an event and waits, then the client has it before the stream ends: nothing is buffered', async () => {
    const upstream = streamingUpstream();
    const stream = await openStream(await upstreams.bearer());
    await upstream.started;
    // The upstream ends only after the client holds the first event.
    await stream.waitFor('id: 0');
    expect(upstream.res.writableEnded).toBe(false);
    upstream.res.end(event(1));

    expect(await stream.ended).toBe('end');
    expect(stream.res.statusCode).toBe(200);
    expect(stream.res.headers['content-type']).toBe('text/event-stream');
    expect(stream.res.headers['cache-control']).toBe('no-store');
    expect(stream.text()).toBe(event(0) + event(1));
  });

  it('when a stream is quiet for longer than UPSTREAM_TIMEOUT_MS, then it is not cut', async () => {
    const upstream = streamingUpstream();
    const stream = await openStream(await upstreams.bearer());
    await stream.waitFor('id: 0');
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    upstream.res.write(event(1));
    await stream.waitFor('id: 1');
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    upstream.res.end(event(2));

    expect(await stream.ended).toBe('end');
    expect(stream.text()).toBe(event(0) + event(1) + event(2));
  });

  it('when a stream stays silent past STREAM_IDLE_TIMEOUT_MS, then the gateway ends it cleanly and closes the upstream request', async () => {
    const upstream = streamingUpstream();
    const stream = await openStream(await upstreams.bearer());
    await stream.waitFor('id: 0');
    const quietSince = Date.now();

    expect(await stream.ended).toBe('end');
    // The idle timeout, not the per-try one (300 ms), ended it.
    expect(Date.now() - quietSince).toBeGreaterThanOrEqual(STREAM_IDLE_TIMEOUT_MS / 2);
    await upstream.closed;
    expect(upstream.res.writableEnded).toBe(false);
    expect(stream.text()).toBe(event(0));
  });

  it('when the client goes away mid-stream, then the upstream request is closed', async () => {
    const upstream = streamingUpstream();
    const stream = await openStream(await upstreams.bearer());
    await stream.waitFor('id: 0');
    stream.destroy();

    await upstream.closed;
    expect(upstream.res.writableEnded).toBe(false);
  });

  it('when a stream is asked for without a token, then 401 and the upstream sees nothing', async () => {
    streamingUpstream();
    const reply = await send(gateway.url, { path: PATH, headers: { accept: 'text/event-stream' } });
    expect(reply.status).toBe(401);
    expect(upstreams.order.received).toEqual([]);
  });

  it('when a JSON answer stalls after its head, then the per-try timeout still applies to it', async () => {
    upstreams.order.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const stream = await openStream(await upstreams.bearer());
    expect(await stream.ended).toBe('aborted');
  });
});
