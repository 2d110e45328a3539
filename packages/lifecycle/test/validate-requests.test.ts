import type { AddressInfo } from 'node:net';
import { problemErrorHandler } from '@portico/errors';
import { createLogger } from '@portico/logging';
import { specPath } from '@portico/openapi';
import express from 'express';
import { validateAgainstSpec } from '../src/index.js';

describe('requests checked against a spec', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let base: string;
  let seen: string[] = [];
  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use(validateAgainstSpec(specPath('inventory')));
    app.get('/api/v1/inventory/products', (req, res) => {
      seen.push(req.method);
      res.json({ items: [], nextCursor: null });
    });
    app.use(problemErrorHandler(createLogger({ service: 'test', level: 'silent' })));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    seen = [];
  });

  it('when a documented GET is asked with HEAD, then it answers as the GET would, without a body', async () => {
    const get = await fetch(`${base}/api/v1/inventory/products?limit=5`);
    const head = await fetch(`${base}/api/v1/inventory/products?limit=5`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(await head.text()).toBe('');
    expect(seen).toEqual(['GET', 'HEAD']);
  });

  it('when a HEAD breaks the GET rules, then it is refused as the GET would be', async () => {
    const head = await fetch(`${base}/api/v1/inventory/products?limit=0`, { method: 'HEAD' });
    expect(head.status).toBe(400);
    expect(seen).toEqual([]);
  });

  it('when a method the spec does not document is used, then 405', async () => {
    const put = await fetch(`${base}/api/v1/inventory/products`, { method: 'PUT' });
    expect(put.status).toBe(405);
  });

  it('when a method the spec does not document is used, then the 405 lists in Allow the methods the path supports', async () => {
    const put = await fetch(`${base}/api/v1/inventory/products`, { method: 'PUT' });
    expect(put.status).toBe(405);
    const allow = (put.headers.get('allow') ?? '').split(', ').sort();
    expect(allow).toEqual(['GET', 'HEAD', 'POST']);
  });
});
