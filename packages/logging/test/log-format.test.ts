import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { eventually, type Listening, listenLocally } from '@portico/test-kit';
import express from 'express';
import { chooseLogFormat, createLogger, type LogFormat, requestLogger } from '../src/index.js';

describe('chooseLogFormat', () => {
  it.each<[string, Record<string, string>, boolean, LogFormat]>([
    ['a terminal in development', {}, true, 'pretty'],
    ['a pipe in development (CI, a file, a collector)', {}, false, 'json'],
    ['a terminal in production', { NODE_ENV: 'production' }, true, 'json'],
    ['LOG_FORMAT=json at a terminal', { LOG_FORMAT: 'json' }, true, 'json'],
    ['LOG_FORMAT=pretty into a pipe', { LOG_FORMAT: 'pretty' }, false, 'pretty'],
    [
      'LOG_FORMAT=pretty in production',
      { LOG_FORMAT: 'pretty', NODE_ENV: 'production' },
      false,
      'pretty',
    ],
    ['an empty LOG_FORMAT at a terminal', { LOG_FORMAT: '' }, true, 'pretty'],
  ])('when writing to %s, then the format is chosen as such', (_case, env, isTTY, expected) => {
    expect(chooseLogFormat({ env, isTTY })).toBe(expected);
  });

  it('when LOG_FORMAT is neither pretty nor json, then it is refused naming the variable and the value', () => {
    expect(() => chooseLogFormat({ env: { LOG_FORMAT: 'fancy' }, isTTY: true })).toThrow(
      'LOG_FORMAT must be one of pretty, json, got "fancy"',
    );
  });
});

/** A destination that keeps what it is given; it has no file descriptor, so it is no terminal. */
function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** One GET through requestLogger on a listening server; resolves once the log line is written. */
async function logOneRequest(format: LogFormat | undefined, out: ReturnType<typeof capture>) {
  const logger = createLogger({
    service: 'orders',
    destination: out.stream,
    ...(format && { format }),
  });
  const app = express();
  app.use(requestLogger(logger));
  app.get('/orders/:id', (_req, res) => {
    res.status(404).json({ code: 'ORDER_NOT_FOUND' });
  });
  served = await listenLocally(createServer(app));
  await (await fetch(`${served.url}/orders/7?secret=x`)).body?.cancel();
  await eventually('the request logged', () => out.text().includes('\n'));
  return out.text();
}

/** Runs `fn` with these variables set (undefined: unset), then puts them back. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>) {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

let served: Listening | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

describe('createLogger', () => {
  it('when the format is pretty, then a request is one line with its method, path, status and milliseconds', async () => {
    const text = await withEnv({ NO_COLOR: undefined }, () => logOneRequest('pretty', capture()));

    expect(text.split('\n').filter(Boolean)).toHaveLength(1);
    // Coloured (NO_COLOR is unset): strip the colours to read the words.
    const line = stripVTControlCharacters(text);
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: GET \/orders\/7 404 \d+ ms\s*$/);
    expect(text).toContain('\x1b[');
    expect(line).not.toContain('secret');
  });

  it('when no format is given and the destination is not a terminal, then the lines are JSON as before', async () => {
    const text = await withEnv({ LOG_FORMAT: undefined }, () =>
      logOneRequest(undefined, capture()),
    );
    expect(JSON.parse(text.trim())).toMatchObject({
      level: 'warn',
      service: 'orders',
      req: { method: 'GET', path: '/orders/7' },
      res: { statusCode: 404 },
    });
  });

  it('when NO_COLOR is set, then the pretty line has no colour codes', async () => {
    const text = await withEnv({ NO_COLOR: '1' }, () => logOneRequest('pretty', capture()));
    expect(text).not.toContain('\x1b[');
    expect(text).toMatch(/WARN: GET \/orders\/7 404 \d+ ms/);
  });

  it('when LOG_FORMAT=pretty is set, then a logger writing to a pipe writes pretty lines', async () => {
    const text = await withEnv({ LOG_FORMAT: 'pretty', NO_COLOR: '1' }, () =>
      logOneRequest(undefined, capture()),
    );
    expect(text).toMatch(/^\[[\d:.]+\] WARN: GET \/orders\/7 404 \d+ ms/);
  });
});
