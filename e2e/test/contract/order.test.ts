import { randomUUID } from 'node:crypto';
import { eventually } from '@portico/test-kit';
import { contractSuite, OVERSIZED, PLAIN_TEXT } from '../support/contract-suite.js';
import { call as callService } from '../support/system.js';

const LIST = 'GET /api/v1/orders';
const PLACE = 'POST /api/v1/orders';
const ORDER = 'GET /api/v1/orders/{id}';
const CANCEL = 'POST /api/v1/orders/{id}/cancel';
const WATCH = 'GET /api/v1/orders/{id}/events';
const EVENTS = 'GET /internal/v1/events';
const LIST_V2 = 'GET /api/v2/orders';
const PLACE_V2 = 'POST /api/v2/orders';

const ONE_CABLE = { items: [{ sku: 'SKU-CABLE', quantity: 1 }] };

describe('order.yaml, against the running order service', () => {
  const suite = contractSuite('order');
  const { call } = suite;

  async function placed(token: string, body: object = ONE_CABLE): Promise<string> {
    const res = await call(PLACE, { body, token });
    expect(res.status).toBe(202);
    return res.body.id;
  }

  async function settled(id: string, token: string): Promise<string> {
    let status = 'pending';
    await eventually(
      'the order leaves pending',
      async () => {
        status = (await call(ORDER, { params: { id }, token })).body.status;
        return status !== 'pending';
      },
      { timeoutMs: 10_000 },
    );
    return status;
  }

  it('when a user places an order, then 202 pending with a Location, and a replayed key returns it again', async () => {
    const ada = await suite.newUser();
    const headers = { 'idempotency-key': randomUUID() };
    const first = await call(PLACE, { body: ONE_CABLE, token: ada.token, headers });
    expect(first.body.status).toBe('pending');
    expect(first.headers.get('location')).toBe(`/api/v1/orders/${first.body.id}`);
    const again = await call(PLACE, { body: ONE_CABLE, token: ada.token, headers });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = { items: [{ sku: 'SKU-MOUSE', quantity: 1 }] };
    const reused = await call(PLACE, { body: other, token: ada.token, headers });
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('when an order is malformed, repeats a sku, is oversized, not JSON or unauthenticated, then 400, 400, 413, 415, 401', async () => {
    const { token } = await suite.newUser();
    expect((await call(PLACE, { body: { items: [] }, token })).status).toBe(400);
    const twice = { items: [...ONE_CABLE.items, { sku: 'SKU-CABLE', quantity: 2 }] };
    expect((await call(PLACE, { body: twice, token })).body.code).toBe('DUPLICATE_SKU');
    const zero = { items: [{ sku: 'SKU-CABLE', quantity: 0 }] };
    expect((await call(PLACE, { body: zero, token })).status).toBe(400);
    expect(
      (await call(PLACE, { body: { ...ONE_CABLE, userId: randomUUID() }, token })).status,
    ).toBe(400);
    expect((await call(PLACE, { raw: OVERSIZED, token })).status).toBe(413);
    expect((await call(PLACE, { raw: PLAIN_TEXT, token })).status).toBe(415);
    expect((await call(PLACE, { body: ONE_CABLE })).status).toBe(401);
  });

  it('when the caller is a service, a disabled user or an unknown account, then 403, 403, 422', async () => {
    const service = await suite.serviceToken('order-service');
    expect((await call(PLACE, { body: ONE_CABLE, token: service })).status).toBe(403);
    const ada = await suite.newUser();
    await callService(suite.system.user, `/api/v1/users/${ada.id}/disable`, {
      method: 'POST',
      token: await suite.adminToken(),
    });
    const refused = await call(PLACE, { body: ONE_CABLE, token: ada.token });
    expect(refused.body.code).toBe('USER_DISABLED');
    const stranger = await suite.system.signUserToken(randomUUID());
    const unknown = await call(PLACE, { body: ONE_CABLE, token: stranger });
    expect(unknown.body.code).toBe('USER_UNKNOWN');
  });

  it('when orders are read, then 200 to the owner and an admin; 404 to others, 400 not a uuid, 401 no token, 403 a service', async () => {
    const ada = await suite.newUser();
    const bob = await suite.newUser();
    const params = { id: await placed(ada.token) };
    expect(await settled(params.id, ada.token)).toBe('confirmed');
    const read = await call(ORDER, { params, token: await suite.adminToken() });
    expect(read.body).toMatchObject({ userId: ada.id, status: 'confirmed', totalCents: 900 });
    expect((await call(ORDER, { params, token: bob.token })).status).toBe(404);
    expect((await call(ORDER, { params: { id: 'nope' }, token: ada.token })).status).toBe(400);
    expect((await call(ORDER, { params })).status).toBe(401);
    const service = await suite.serviceToken('order-service');
    expect((await call(ORDER, { params, token: service })).status).toBe(403);
  });

  it('when a user pages through their orders, then 200 pages; a bad limit or cursor 400, no token 401, a service 403', async () => {
    const { token } = await suite.newUser();
    await placed(token);
    await placed(token);
    const first = await call(LIST, { query: { limit: 1 }, token });
    const second = await call(LIST, { query: { limit: 1, cursor: first.body.nextCursor }, token });
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect((await call(LIST, { query: { limit: 101 }, token })).status).toBe(400);
    expect((await call(LIST, { query: { cursor: 'bm9wZQ' }, token })).body.code).toBe(
      'INVALID_CURSOR',
    );
    expect((await call(LIST, { query: { cursor: 'bm9wZQ==' }, token })).status).toBe(400);
    expect((await call(LIST)).status).toBe(401);
    const service = await suite.serviceToken('order-service');
    expect((await call(LIST, { token: service })).status).toBe(403);
  });

  it('when a user places and pages through v2, then 202 and pages of data and links; a bad cursor or body 400, no token 401, a service 403', async () => {
    const { token } = await suite.newUser();
    const placedV2 = await call(PLACE_V2, { body: ONE_CABLE, token });
    expect(placedV2.status).toBe(202);
    expect(placedV2.headers.get('location')).toBe(`/api/v1/orders/${placedV2.body.id}`);
    await placed(token);
    const first = await call(LIST_V2, { query: { limit: 1 }, token });
    expect(first.body.links.next).toMatch(/^\/api\/v2\/orders\?limit=1&cursor=/);
    const cursor = new URLSearchParams(first.body.links.next.split('?')[1]).get('cursor') ?? '';
    const second = await call(LIST_V2, { query: { limit: 1, cursor }, token });
    expect(second.body.data.map((order: { id: string }) => order.id)).toEqual([placedV2.body.id]);
    expect((await call(LIST_V2, { query: { cursor: 'bm9wZQ' }, token })).body.code).toBe(
      'INVALID_CURSOR',
    );
    expect((await call(PLACE_V2, { body: { items: [] }, token })).status).toBe(400);
    expect((await call(LIST_V2)).status).toBe(401);
    expect((await call(PLACE_V2, { body: ONE_CABLE })).status).toBe(401);
    const service = await suite.serviceToken('order-service');
    expect((await call(LIST_V2, { token: service })).status).toBe(403);
  });

  it('when an order is cancelled, then 200 cancelled; a rejected one 409, others 404, not a uuid 400, no token 401, a service 403', async () => {
    const ada = await suite.newUser();
    const params = { id: await placed(ada.token) };
    expect((await call(CANCEL, { params, token: ada.token })).body.status).toBe('cancelled');
    const unknownSku = { items: [{ sku: 'SKU-NO-SUCH-THING', quantity: 1 }] };
    const rejected = { id: await placed(ada.token, unknownSku) };
    expect(await settled(rejected.id, ada.token)).toBe('rejected');
    const conflict = await call(CANCEL, { params: rejected, token: ada.token });
    expect(conflict.body.code).toBe('ORDER_NOT_CANCELLABLE');
    expect((await call(CANCEL, { params: { id: randomUUID() }, token: ada.token })).status).toBe(
      404,
    );
    expect((await call(CANCEL, { params: { id: 'nope' }, token: ada.token })).status).toBe(400);
    expect((await call(CANCEL, { params })).status).toBe(401);
    const service = await suite.serviceToken('order-service');
    expect((await call(CANCEL, { params, token: service })).status).toBe(403);
  });

  it('when an order is watched, then 200 with its steps as events; 204 past the terminal one, 400 a bad Last-Event-ID, 404 others, 401 no token, 403 a service', async () => {
    const ada = await suite.newUser();
    const bob = await suite.newUser();
    const params = { id: await placed(ada.token) };
    expect(await settled(params.id, ada.token)).toBe('confirmed');
    const stream = await call(WATCH, { params, token: ada.token });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.body).toMatch(
      /^event: status\nid: 0\ndata: \{.*"status":"pending".*\n\nevent: status\nid: 1\n/s,
    );
    const terminal = { 'last-event-id': '1' };
    expect((await call(WATCH, { params, token: ada.token, headers: terminal })).status).toBe(204);
    const bad = { 'last-event-id': 'soon' };
    expect((await call(WATCH, { params, token: ada.token, headers: bad })).body.code).toBe(
      'INVALID_LAST_EVENT_ID',
    );
    expect((await call(WATCH, { params, token: bob.token })).status).toBe(404);
    expect((await call(WATCH, { params: { id: 'nope' }, token: ada.token })).status).toBe(400);
    expect((await call(WATCH, { params })).status).toBe(401);
    const service = await suite.serviceToken('order-service');
    expect((await call(WATCH, { params, token: service })).status).toBe(403);
  });

  it('when a service reads the event feed, then 200 pages; 400 out of range, 401 without a token, 403 for a user', async () => {
    const token = await suite.serviceToken('inventory-service', 'events:read');
    expect((await call(EVENTS, { query: { after: 0, limit: 3 }, token })).body.source).toBe(
      'order',
    );
    expect((await call(EVENTS, { query: { after: 'latest' }, token })).status).toBe(200);
    expect((await call(EVENTS, { query: { after: -1 }, token })).status).toBe(400);
    expect((await call(EVENTS)).status).toBe(401);
    expect((await call(EVENTS, { token: (await suite.newUser()).token })).status).toBe(403);
  });

  it("when the auth service's key set cannot be fetched, then every operation that verifies a token answers 503", async () => {
    const ada = await suite.newUser();
    const params = { id: await placed(ada.token) };
    const token = await suite.login(ada);
    const service = await suite.serviceToken('inventory-service', 'events:read');
    await suite.whileKeySetUnavailable(async () => {
      const answers = [
        await call(LIST, { token }),
        await call(PLACE, { body: ONE_CABLE, token }),
        await call(ORDER, { params, token }),
        await call(CANCEL, { params, token }),
        await call(WATCH, { params, token }),
        await call(EVENTS, { token: service }),
      ];
      expect(answers.map((res) => res.body.code)).toEqual(
        Array(answers.length).fill('AUTH_KEYS_UNAVAILABLE'),
      );
    });
  });

  // Last (its breaker stays open): a user the order service never looked up cannot order.
  it('when the user service is down and the user is not cached, then 503 with Retry-After and no order', async () => {
    const ada = await suite.newUser();
    suite.system.takeDown('user');
    try {
      const res = await call(PLACE, { body: ONE_CABLE, token: ada.token });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      suite.system.bringUp('user');
    }
    expect((await call(LIST, { token: ada.token })).body.items).toEqual([]);
  });

  suite.everyOperationExercised();
});
