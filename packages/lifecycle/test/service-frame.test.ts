import { afterAll, describe, expect, it } from '@jest/globals';
import { createDatabase } from '@portico/db';
import { createLogger } from '@portico/logging';
import { refusedUrl } from '@portico/test-kit';
import { createTokenVerifier, type TokenVerifier } from '@portico/token-auth';
import request from 'supertest';
import { createServiceFrame } from '../src/index.js';

const logger = createLogger({ service: 'inventory-service', level: 'silent' });
const database = createDatabase<unknown>({ url: ':memory:', service: 'inventory' });
const ownVerifier = createTokenVerifier({
  jwksUrl: `${await refusedUrl()}/.well-known/jwks.json`,
  issuer: 'https://auth.test',
  audience: 'portico',
});

/** What the service's own parts saw of the frame. */
const seen = { verifier: undefined as TokenVerifier | undefined, creates: 0, closed: false };

const frame = createServiceFrame(
  { config: { TRUST_PROXY: 'loopback' }, database, logger },
  {
    service: 'inventory-service',
    spec: 'inventory',
    verifier: ownVerifier,
    routes: (app, verifier) => {
      seen.verifier = verifier;
      app.post('/api/v1/inventory/products', (_req, res) => {
        seen.creates += 1;
        res.status(201).json({});
      });
    },
    close: async () => {
      seen.closed = true;
    },
  },
);

afterAll(() => database.close());

describe('createServiceFrame', () => {
  it('when the service brings a verifier of its own, then its routes are given that one', () => {
    expect(seen.verifier).toBe(ownVerifier);
  });

  it('when the database answers and there is no Redis, then /readyz checks the database alone', async () => {
    const res = await request(frame.app).get('/readyz');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it("when a request breaks the service's spec, then it is refused with a problem before the service's route runs", async () => {
    const res = await request(frame.app).post('/api/v1/inventory/products').send({ sku: 42 });

    expect(res.status).toBe(400);
    expect(res.type).toBe('application/problem+json');
    expect(seen.creates).toBe(0);
  });

  it("when the frame closes, then the service's own close runs", async () => {
    await frame.close();

    expect(seen.closed).toBe(true);
  });
});
