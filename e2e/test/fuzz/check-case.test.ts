import { createServer } from 'node:http';
import { type Listening, listenLocally } from '@portico/test-kit';
import { checkCase, PropertyViolation, type Tally } from './check-case.js';
import type { FuzzCase } from './fuzz-case.js';
import { closeConnections } from './send.js';
import type { Snapshot, World } from './world.js';

/**
 * The fuzzer's checks against a stand-in gateway that misbehaves on purpose:
 * each property must be able to fail, or a green fuzz run means nothing.
 */
describe('the fuzzer checks each case', () => {
  let server: Listening;
  let gateway: string;
  /** What the stand-in answers: a status for the fuzzed request, and whether login lets anyone in. */
  let behaviour: { status: number; hang?: boolean; loginStatus?: number };
  let state: Snapshot;

  beforeAll(async () => {
    const standIn = createServer((req, res) => {
      req.resume();
      if (req.url === '/api/v1/auth/login') {
        res
          .writeHead(behaviour.loginStatus ?? 401, { 'content-type': 'application/json' })
          .end('{}');
        return;
      }
      if (behaviour.hang) return;
      res.writeHead(behaviour.status, { 'content-type': 'application/json' }).end('{"id":"x"}');
    });
    server = await listenLocally(standIn);
    gateway = server.url;
  });
  afterAll(async () => {
    closeConnections();
    await server.close();
  });
  beforeEach(() => {
    state = { users: { u1: 'active' }, products: {}, orders: {}, keys: ['k1'] };
  });

  const world = () =>
    ({
      gateway,
      snapshot: async () => structuredClone(state),
      settle: async () => {},
      registered: new Set<string>(),
      requestTimeoutMs: 300,
    }) as unknown as World;

  const registration: FuzzCase = {
    operation: 'register',
    actor: 'anonymous',
    mutation: 'body-value',
    request: {
      method: 'POST',
      path: '/api/v1/auth/register',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{}'),
    },
    body: { email: 'eve@example.com', password: 'long enough password', name: 'Eve', x: 1 },
  };

  it('when the gateway answers a 500, then the case fails and shows the request', async () => {
    behaviour = { status: 500 };
    await expect(checkCase(world(), registration, new Map())).rejects.toThrow(
      /a 500[\s\S]*POST \/api\/v1\/auth\/register/,
    );
  });

  it('when the gateway gives no answer, then the case fails as a hang', async () => {
    behaviour = { status: 200, hang: true };
    await expect(checkCase(world(), registration, new Map())).rejects.toThrow(/no answer within/);
  });

  it('when a refused write changes a record, then the case fails and names the record', async () => {
    behaviour = { status: 400 };
    const leaky = {
      ...world(),
      snapshot: async () => {
        const seen = structuredClone(state);
        state.users.u2 = 'active'; // the refused request's record appears in the next look
        return seen;
      },
    } as World;
    await expect(checkCase(leaky, registration, new Map())).rejects.toThrow(
      /a refused write changed a record: users u2/,
    );
  });

  it('when a refused registration left an account that logs in, then the case fails', async () => {
    behaviour = { status: 400, loginStatus: 200 };
    await expect(checkCase(world(), registration, new Map())).rejects.toThrow(PropertyViolation);
  });

  it('when a refused write changes nothing, then the case passes and is counted', async () => {
    behaviour = { status: 400 };
    const tally: Tally = new Map();
    await checkCase(world(), registration, tally);
    expect(tally.get('register')?.get('4xx')).toBe(1);
  });
});
