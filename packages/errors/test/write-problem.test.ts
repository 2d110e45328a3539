import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Listening, listenLocally } from '@portico/test-kit';
import {
  BadRequestError,
  HttpError,
  problemFrom,
  problemType,
  ServiceUnavailableError,
  toClientProblem,
  writeProblem,
} from '../src/index.js';

let served: Listening;
let base: string;

beforeAll(async () => {
  // A bare node:http server, as the gateway's hot path answers without express.
  const server = createServer((req, res) => {
    if (req.url === '/after-headers') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('started');
      writeProblem(res, problemFrom(new BadRequestError('too late')));
      return;
    }
    const error = new ServiceUnavailableError('Orders are unavailable.', 'UPSTREAM_DOWN', 7);
    writeProblem(res, problemFrom(error, '/api/v1/orders'), error.headers);
  });
  served = await listenLocally(server);
  base = served.url;
});

afterAll(() => served.close());

describe('writeProblem', () => {
  it('when a problem is written on a bare response, then status, headers and body are complete', async () => {
    const res = await fetch(`${base}/anything`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(JSON.parse(text)).toEqual({
      type: 'urn:portico:problem:upstream-down',
      title: 'Service Unavailable',
      status: 503,
      detail: 'Orders are unavailable.',
      code: 'UPSTREAM_DOWN',
      instance: '/api/v1/orders',
    });
  });

  it('when the response has already started, then the connection is cut', async () => {
    const outcome = await fetch(`${base}/after-headers`)
      .then((res) => res.text())
      .then(
        (text) => `complete: ${text}`,
        () => 'cut',
      );
    expect(outcome).toBe('cut');
  });
});

describe('toClientProblem', () => {
  it('when given a 4xx HttpError, then its problem and a copy of its headers', () => {
    const error = new HttpError(418, 'TEAPOT', "I'm a teapot", 'Short and stout.', {
      headers: { 'x-reason': 'tea' },
    });
    const result = toClientProblem(error)!;
    expect(result.problem).toEqual({
      type: 'urn:portico:problem:teapot',
      title: "I'm a teapot",
      status: 418,
      detail: 'Short and stout.',
      code: 'TEAPOT',
    });
    expect(result.headers).toEqual({ 'x-reason': 'tea' });
    expect(result.headers).not.toBe(error.headers);
  });

  it.each([
    [new Error('boom')],
    [new HttpError(500, 'X', 'X')],
    [null],
    [undefined],
    [42],
    [{ type: 'not.a.body.parser.error' }],
  ])('when given %p, then null (the caller masks it as a 500)', (value) => {
    expect(toClientProblem(value)).toBeNull();
  });

  it('when an HttpError has no detail, then the title is the detail', () => {
    expect(problemFrom(new HttpError(409, 'X', 'Conflict')).detail).toBe('Conflict');
  });

  it('when a code has underscores and capitals, then its type is a lower-case URN', () => {
    expect(problemType('ORDER_NOT_FOUND')).toBe('urn:portico:problem:order-not-found');
  });
});
