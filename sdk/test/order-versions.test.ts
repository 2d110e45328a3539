import { randomUUID } from 'node:crypto';
import { createPortico, orderPages, type Portico } from '@portico/sdk';
import {
  type RunningGateway,
  startGateway,
  useUpstreams,
} from '../../gateway/test/support/gateway-harness.js';
import {
  type OrderEventsKit,
  startOrderEvents,
  subjectOf,
} from '../../order-service/test/support/order-events-kit.js';

/**
 * The real gateway (its shipped routes file) in front of the real order service
 * and auth service; the user service is the gateway harness's stand-in.
 */
describe('the order list, v1 (deprecated) and v2, through the gateway', () => {
  const upstreams = useUpstreams();
  let orders: OrderEventsKit;
  let gateway: RunningGateway;
  let portico: Portico;
  /** The user's orders, newest first. */
  const placed: string[] = [];

  beforeAll(async () => {
    orders = await startOrderEvents({});
    gateway = await startGateway(upstreams, {
      AUTH_SERVICE_URL: orders.auth.url,
      ORDER_SERVICE_URL: orders.url,
    });
    portico = createPortico({ baseUrl: gateway.url });
    const email = `versions-${Date.now()}@example.com`;
    const password = 'a long enough password';
    await portico.session.register({ email, password, name: 'Ada' });
    const { access_token } = await portico.session.login({ email, password });
    for (const at of [1_000, 2_000, 3_000]) {
      const order = await orders.repository.insert({
        id: randomUUID(),
        userId: subjectOf(access_token),
        items: [{ sku: 'SKU-CABLE', quantity: 1 }],
        idempotencyKey: null,
        requestHash: null,
        at,
      });
      placed.unshift(order.id);
    }
  });
  afterAll(async () => {
    await gateway.close();
    await orders.stop();
  });

  it('when v1 is listed, then its page is as before and the answer names its sunset and successor', async () => {
    const { data, response } = await portico.orders.GET('/api/v1/orders');

    expect(data?.items.map((order) => order.id)).toEqual(placed);
    expect(data?.nextCursor).toBeNull();
    expect(response.headers.get('deprecation')).toBe(`@${Date.UTC(2026, 11, 3) / 1000}`);
    expect(response.headers.get('sunset')).toBe('Fri, 31 Dec 2027 00:00:00 GMT');
    expect(response.headers.get('link')).toContain('</api/v2/orders>; rel="successor-version"');
  });

  it('when v2 is listed, then its page is data and links, with no deprecation headers', async () => {
    const { data, response } = await portico.orders.GET('/api/v2/orders', {
      params: { query: { limit: 2 } },
    });

    expect(data?.data.map((order) => order.id)).toEqual(placed.slice(0, 2));
    expect(data?.links.next).toMatch(/^\/api\/v2\/orders\?limit=2&cursor=/);
    expect([response.headers.get('deprecation'), response.headers.get('sunset')]).toEqual([
      null,
      null,
    ]);
  });

  it('when orderPages walks v2, then it follows links.next to the last page', async () => {
    const pages: string[][] = [];
    for await (const page of orderPages(portico, { limit: 2 })) {
      pages.push(page.map((order) => order.id));
    }

    expect(pages).toEqual([placed.slice(0, 2), placed.slice(2)]);
  });

  it("when the caller is not signed in, then orderPages throws the gateway's 401 problem", async () => {
    const anonymous = createPortico({ baseUrl: gateway.url });

    await expect(orderPages(anonymous).next()).rejects.toMatchObject({
      name: 'PorticoError',
      status: 401,
    });
  });
});
