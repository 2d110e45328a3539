import { createServer } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Listening, listenLocally } from '@portico/test-kit';
import express from 'express';
import {
  BadGatewayError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  GatewayTimeoutError,
  HttpError,
  NotFoundError,
  notFoundHandler,
  PayloadTooLargeError,
  problemErrorHandler,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from '../src/index.js';

/** What the handler wrote to its logger: the only place a masked error may go. */
const logged: { obj: Record<string, unknown>; msg: string }[] = [];
const logger = { error: (obj: object, msg: string) => logged.push({ obj: { ...obj }, msg }) };

/** Each path throws one error; the table below says what the client must see. */
const thrown: Record<string, () => unknown> = {
  'bad-request': () => new BadRequestError('The email is not valid.', 'INVALID_EMAIL'),
  unauthorized: () =>
    new UnauthorizedError(undefined, undefined, {
      headers: { 'www-authenticate': 'Bearer realm="portico"' },
    }),
  forbidden: () => new ForbiddenError(),
  'not-found': () => new NotFoundError('No order 42.', 'ORDER_NOT_FOUND'),
  conflict: () =>
    new ConflictError('The email is taken.', 'EMAIL_TAKEN', { extensions: { field: 'email' } }),
  'too-large': () => new PayloadTooLargeError(),
  unsupported: () => new UnsupportedMediaTypeError(),
  unprocessable: () => new UnprocessableError('Not enough stock.', 'OUT_OF_STOCK'),
  'rate-limited': () => new TooManyRequestsError(12.2),
  'rate-limited-now': () => new TooManyRequestsError(0),
  unavailable: () => new ServiceUnavailableError('Inventory is unavailable.', 'UPSTREAM_DOWN', 3),
  'bad-gateway': () => new BadGatewayError('Inventory answered nonsense.'),
  'gateway-timeout': () => new GatewayTimeoutError('Inventory did not answer in time.'),
  'http-500': () => new HttpError(500, 'DB_DOWN', 'Database', 'password=hunter2 rejected'),
  'http-501': () => new HttpError(501, 'NOPE', 'Not Implemented', 'stack at db.ts:12'),
  'plain-error': () => new Error('password=hunter2 rejected by db.internal:5432'),
  'string-thrown': () => 'password=hunter2',
  'validator-400': () => ({
    status: 400,
    message: 'request/body/email must match format "email"',
    errors: [
      { path: '/body/email', message: 'must match format "email"' },
      { message: 'must have required property name' },
    ],
  }),
  'validator-500': () => ({ status: 500, message: 'hunter2', errors: [{ message: 'hunter2' }] }),
  'extension-override': () =>
    new BadRequestError('Bad.', 'BAD', { extensions: { status: 200, type: 'x', code: 'OK' } }),
};

let served: Listening;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(express.json({ limit: '1kb' }));
  app.get('/throw/:name', (req) => {
    throw thrown[String(req.params.name)]!();
  });
  app.get('/reject/:name', async (req) => {
    await Promise.resolve();
    throw thrown[String(req.params.name)]!();
  });
  app.post('/body', (req, res) => {
    res.json(req.body);
  });
  app.get('/partial', async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('half of the ');
    await new Promise((resolve) => setTimeout(resolve, 20));
    throw new Error('failed mid-stream');
  });
  app.use(notFoundHandler);
  app.use(problemErrorHandler(logger));
  const server = createServer(app);
  served = await listenLocally(server);
  base = served.url;
});

afterAll(() => served.close());

beforeEach(() => {
  logged.length = 0;
});

async function call(path: string, init?: RequestInit) {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
}

describe('problemErrorHandler, HttpError subclasses', () => {
  it.each([
    ['bad-request', 400, 'Bad Request', 'INVALID_EMAIL', 'The email is not valid.'],
    ['unauthorized', 401, 'Unauthorized', 'UNAUTHORIZED', 'Authentication is required.'],
    ['forbidden', 403, 'Forbidden', 'FORBIDDEN', 'You are not allowed to do this.'],
    ['not-found', 404, 'Not Found', 'ORDER_NOT_FOUND', 'No order 42.'],
    ['conflict', 409, 'Conflict', 'EMAIL_TAKEN', 'The email is taken.'],
    ['too-large', 413, 'Payload Too Large', 'PAYLOAD_TOO_LARGE', 'The request body is too large.'],
    [
      'unsupported',
      415,
      'Unsupported Media Type',
      'UNSUPPORTED_MEDIA_TYPE',
      'The request body must be application/json.',
    ],
    ['unprocessable', 422, 'Unprocessable Content', 'OUT_OF_STOCK', 'Not enough stock.'],
    ['rate-limited', 429, 'Too Many Requests', 'RATE_LIMITED', 'Too many requests.'],
    ['unavailable', 503, 'Service Unavailable', 'UPSTREAM_DOWN', 'Inventory is unavailable.'],
    ['bad-gateway', 502, 'Bad Gateway', 'BAD_GATEWAY', 'Inventory answered nonsense.'],
    [
      'gateway-timeout',
      504,
      'Gateway Timeout',
      'UPSTREAM_TIMEOUT',
      'Inventory did not answer in time.',
    ],
  ])(
    'when a handler throws %s, then %i problem with its title, code and detail',
    async (name, status, title, code, detail) => {
      for (const path of [`/throw/${name}`, `/reject/${name}`]) {
        const answer = await call(`${path}?secret=1`);
        expect(answer.status).toBe(status);
        expect(answer.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
        expect(answer.headers.get('cache-control')).toBe('no-store');
        expect(answer.body).toMatchObject({
          type: `urn:portico:problem:${code.toLowerCase().replaceAll('_', '-')}`,
          title,
          status,
          detail,
          code,
          instance: path,
        });
      }
      expect(logged).toEqual([]);
    },
  );

  it('when an error carries headers, then they are sent (WWW-Authenticate)', async () => {
    const answer = await call('/throw/unauthorized');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="portico"');
  });

  it.each([
    ['rate-limited', '13'],
    ['rate-limited-now', '1'],
    ['unavailable', '3'],
    ['bad-gateway', '1'],
    ['gateway-timeout', '1'],
  ])('when %s is thrown, then Retry-After is %s whole seconds', async (name, seconds) => {
    expect((await call(`/throw/${name}`)).headers.get('retry-after')).toBe(seconds);
  });

  it('when any problem is rendered, even by an app that sets no header of its own, then it says nosniff', async () => {
    for (const path of ['/throw/bad-request', '/throw/plain-error', '/nowhere']) {
      expect((await call(path)).headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('when an error has extensions, then they are members of the problem', async () => {
    expect((await call('/throw/conflict')).body).toMatchObject({ field: 'email' });
  });

  it('when extensions name standard members, then they cannot override them', async () => {
    const answer = await call('/throw/extension-override');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      status: 400,
      type: 'urn:portico:problem:bad',
      code: 'BAD',
    });
  });
});

describe('problemErrorHandler, 5xx masking', () => {
  it.each([
    ['an HttpError with status 500', 'http-500'],
    ['an HttpError with status 501', 'http-501'],
    ['a plain Error', 'plain-error'],
    ['a thrown string', 'string-thrown'],
    ['a validator error with status 500', 'validator-500'],
  ])('when %s is thrown, then a generic 500 problem hides its detail', async (_case, name) => {
    for (const path of [`/throw/${name}`, `/reject/${name}`]) {
      const answer = await call(path);
      expect(answer.status).toBe(500);
      expect(answer.body).toEqual({
        type: 'urn:portico:problem:internal',
        title: 'Internal Server Error',
        status: 500,
        detail: 'An unexpected error occurred.',
        code: 'INTERNAL',
        instance: path,
      });
      expect(answer.text).not.toMatch(/hunter2|db\.ts|stack|5432/);
    }
  });

  it('when a 5xx is masked, then the error is logged once, without the query string', async () => {
    await call('/throw/plain-error?reset_token=s3cr3t&email=ann%40example.com');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.msg).toBe('unhandled error');
    expect(logged[0]!.obj.err).toBeInstanceOf(Error);
    expect(JSON.stringify(logged[0]!.obj)).not.toMatch(/s3cr3t|example\.com|reset_token/);
    expect(JSON.stringify(logged[0]!.obj)).toContain('/throw/plain-error');
  });

  it('when the response has already started, then the connection is cut rather than a problem appended', async () => {
    const res = await fetch(`${base}/partial`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(logged).toEqual([]);
  });
});

describe('problemErrorHandler, other client errors', () => {
  it('when a validator rejects the request, then 400 VALIDATION_FAILED listing each error', async () => {
    const answer = await call('/throw/validator-400');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      type: 'urn:portico:problem:validation-failed',
      title: 'Bad Request',
      code: 'VALIDATION_FAILED',
      detail: '/body/email: must match format "email"; must have required property name',
      errors: [
        { path: '/body/email', message: 'must match format "email"' },
        { message: 'must have required property name' },
      ],
    });
  });

  it('when the JSON body is malformed, then 400 MALFORMED_JSON without the parser message', async () => {
    const answer = await call('/body', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"password": "hunter2"',
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'MALFORMED_JSON' });
    expect(answer.text).not.toContain('hunter2');
  });

  it('when the body is too large, then 413 PAYLOAD_TOO_LARGE', async () => {
    const answer = await call('/body', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(2048) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', title: 'Payload Too Large' });
  });

  it('when the body has an unsupported content encoding, then 415 UNSUPPORTED_ENCODING', async () => {
    const answer = await call('/body', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'compress' },
      body: '{}',
    });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ code: 'UNSUPPORTED_ENCODING' });
  });

  it('when no route matches, then 404 ROUTE_NOT_FOUND naming the method and path only', async () => {
    const answer = await call('/missing/thing?token=abc');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({
      code: 'ROUTE_NOT_FOUND',
      detail: 'No route matches GET /missing/thing',
      instance: '/missing/thing',
    });
    expect(answer.text).not.toContain('abc');
  });
});
