import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Listening, listenLocally } from '@portico/test-kit';
import express from 'express';
import { pino } from 'pino';
import { currentContext, propagationHeaders, requestLogger } from '../src/index.js';

/** Every line the logger wrote, parsed. */
const lines: Record<string, unknown>[] = [];
const raw: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      raw.push(line);
      lines.push(JSON.parse(line));
    }
    done();
  },
});
const logger = pino({ level: 'debug' }, sink);

let served: Listening;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(requestLogger(logger));
  app.use(express.json());
  app.post('/login', (_req, res) => {
    res.status(401).json({ code: 'BAD_CREDENTIALS' });
  });
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.get('/as-user', (req, res) => {
    (req as { caller?: object }).caller = { kind: 'user', sub: 'user-7' };
    res.json({ ok: true });
  });
  app.get('/context', async (_req, res) => {
    // After an await, as an outgoing call would be made: the context must survive it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    res.json({ headers: propagationHeaders(), context: currentContext() });
  });
  app.get('/fail', (_req, res) => {
    res.status(500).json({ code: 'INTERNAL' });
  });
  app.get('/busy', (_req, res) => {
    res.status(503).set('retry-after', '1').json({ code: 'AUTH_BUSY' });
  });
  const server = createServer(app);
  served = await listenLocally(server);
  base = served.url;
});

afterAll(() => served.close());

beforeEach(() => {
  lines.length = 0;
  raw.length = 0;
});

/** The log line is written when the response finishes, which may follow the client's read. */
async function logLineFor(requestId: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const line = lines.find((l) => (l.req as { id?: string } | undefined)?.id === requestId);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no log line for request ${requestId}; got ${raw.join('\n')}`);
}

async function send(path: string, init?: RequestInit) {
  const res = await fetch(`${base}${path}`, init);
  const body = (await res.json()) as Record<string, unknown>;
  const requestId = res.headers.get('x-request-id')!;
  return { res, body, requestId, line: await logLineFor(requestId) };
}

describe('requestLogger', () => {
  it('when a request completes, then one line has its id, method, path, status and latency', async () => {
    const { line, requestId } = await send('/users/42');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: requestId, method: 'GET', path: '/users/42' },
      res: { statusCode: 200 },
    });
    expect(typeof line.responseTime).toBe('number');
    expect(line.responseTime as number).toBeGreaterThanOrEqual(0);
    expect(lines.filter((l) => (l.req as { id?: string })?.id === requestId)).toHaveLength(1);
  });

  it('when the request carries credentials in header, cookie, query and body, then none reach the line', async () => {
    const secrets = ['tok-in-header', 'sid-in-cookie', 'qs-secret', 'hunter2-in-body'];
    const { line } = await send('/login?reset_token=qs-secret&email=ann@example.com', {
      method: 'POST',
      headers: {
        authorization: 'Bearer tok-in-header',
        cookie: 'sid=sid-in-cookie',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ email: 'ann@example.com', password: 'hunter2-in-body' }),
    });
    const text = JSON.stringify(line);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/authorization|cookie|reset_token|example\.com|password/i);
    expect(line).toMatchObject({ req: { method: 'POST', path: '/login' } });
  });

  it('when the response is a 4xx, then the line is a warning', async () => {
    const { line } = await send('/login', { method: 'POST' });
    expect(line).toMatchObject({ level: 40, res: { statusCode: 401 } });
  });

  it('when the response is a 5xx, then the line is an error', async () => {
    const { line } = await send('/fail');
    expect(line).toMatchObject({ level: 50, msg: 'request failed', res: { statusCode: 500 } });
    // Nothing was thrown: pino-http's made-up error and its stack say nothing.
    expect(line).not.toHaveProperty('err');
  });

  it('when the response is a 503 with Retry-After (load shed), then the line is a warning', async () => {
    const { line } = await send('/busy');
    expect(line).toMatchObject({ level: 40, res: { statusCode: 503 } });
    expect(line).not.toHaveProperty('err');
  });

  it('when the client sends a request id, then the line and the response carry it', async () => {
    const { requestId, line } = await send('/users/1', { headers: { 'x-request-id': 'gw-123' } });
    expect(requestId).toBe('gw-123');
    expect(line).toMatchObject({ req: { id: 'gw-123' } });
  });

  it('when a handler identified the caller, then the line names the user id', async () => {
    const { line } = await send('/as-user');
    expect(line).toMatchObject({ userId: 'user-7' });
  });

  it('when a handler awaits, then the request context and its propagation headers survive', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { res, body } = await send('/context', {
      headers: { 'x-request-id': 'gw-9', traceparent },
    });
    expect(body.context).toMatchObject({
      requestId: 'gw-9',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    // Outgoing calls carry this process's span as the parent, the same one the response names.
    expect(body.headers).toEqual({
      'x-request-id': 'gw-9',
      traceparent: res.headers.get('traceparent'),
    });
    expect(propagationHeaders()).toEqual({});
  });
});
