import { randomUUID } from 'node:crypto';
import { createPortico, watchOrder } from '@portico/sdk';
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

const STREAM_IDLE_TIMEOUT_MS = 400;

/**
 * The real gateway in front of the real order service and auth service; the
 * user service is the gateway harness's stand-in (every user active). The
 * gateway's idle timeout is far below the order service's 15 s keep-alive, so
 * a quiet stream is cut by the gateway, as a long wait would be in production.
 */
describe('watchOrder across a stream the gateway ends for idleness', () => {
  const upstreams = useUpstreams();
  let orders: OrderEventsKit;
  let gateway: RunningGateway;
  beforeAll(async () => {
    orders = await startOrderEvents({ ORDER_STREAM_POLL_MS: '50' });
    gateway = await startGateway(upstreams, {
      AUTH_SERVICE_URL: orders.auth.url,
      ORDER_SERVICE_URL: orders.url,
      STREAM_IDLE_TIMEOUT_MS: String(STREAM_IDLE_TIMEOUT_MS),
    });
  });
  afterAll(async () => {
    await gateway.close();
    await orders.stop();
  });

  it('when the stream is cut before the terminal status, then it resumes with Last-Event-ID: each step once, ending at confirmed', async () => {
    const resumedFrom: (string | null)[] = [];
    const portico = createPortico({
      baseUrl: gateway.url,
      fetch: (request) => {
        if (request.url.endsWith('/events')) resumedFrom.push(request.headers.get('last-event-id'));
        return fetch(request);
      },
    });
    const email = `resume-${Date.now()}@example.com`;
    const password = 'a long enough password';
    await portico.session.register({ email, password, name: 'Ada' });
    const { access_token } = await portico.session.login({ email, password });
    const order = await orders.repository.insert({
      id: randomUUID(),
      userId: subjectOf(access_token),
      items: [{ sku: 'SKU-CABLE', quantity: 1 }],
      idempotencyKey: null,
      requestHash: null,
      at: Date.now(),
    });

    const statuses: string[] = [];
    for await (const snapshot of watchOrder(portico, order.id)) {
      statuses.push(snapshot.status);
      // Confirmed only once the gateway has cut the first stream at least once.
      if (statuses.length === 1) {
        setTimeout(
          () =>
            orders.repository.transition(order.id, 'pending', 'confirmed', {
              at: Date.now(),
              detail: 'stock reserved',
            }),
          STREAM_IDLE_TIMEOUT_MS * 3,
        );
      }
    }

    expect(statuses).toEqual(['pending', 'confirmed']);
    expect(resumedFrom[0]).toBeNull();
    expect(resumedFrom.length).toBeGreaterThan(1);
    expect(resumedFrom.slice(1).every((id) => id === '0')).toBe(true);
  });
});
