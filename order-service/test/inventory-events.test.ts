import { randomUUID } from 'node:crypto';
import { testDatabaseTargets } from '@portico/db';
import { type EventEnvelope, startFeedConsumer } from '@portico/events';
import type { ServiceClient, ServiceRequest } from '@portico/http-client';
import { createLogger } from '@portico/logging';
import { envelope, openSagaKit, type SagaKit, stockReserved } from './support/saga-kit.js';

const logger = createLogger({ service: 'order-service', level: 'silent' });

/**
 * Inventory's feed, standing in for the service: the first poll gets `events`,
 * and the next poll (the consumer asks again only once it has dealt with every
 * event of the page) resolves `pageDone`, then waits until the consumer stops.
 */
function inventoryFeed(events: EventEnvelope[]) {
  let pageDone!: () => void;
  const done = new Promise<void>((resolve) => {
    pageDone = resolve;
  });
  let polls = 0;
  const client: ServiceClient = {
    async request<T>(req: ServiceRequest) {
      polls += 1;
      if (polls === 1) {
        const page = { events: events.map((e, i) => ({ ...e, position: i + 1 })), next: 0 };
        return { status: 200, headers: {}, body: page as T };
      }
      pageDone();
      await new Promise((resolve) => req.signal?.addEventListener('abort', resolve));
      return { status: 200, headers: {}, body: { events: [], next: 0 } as T };
    },
    close: async () => {},
  };
  return { client, pageDone: done };
}

describe.each(testDatabaseTargets())(
  'inventory events that break their contract, on $dialect',
  (target) => {
    let kit: SagaKit;
    beforeAll(async () => {
      kit = await openSagaKit(target);
    });
    afterAll(() => kit.drop());

    const pendingOrder = async () => {
      const userId = randomUUID();
      kit.active.add(userId);
      const { order } = await kit.orders.place(userId, [{ sku: 'SKU-MOUSE', quantity: 1 }]);
      return order.id;
    };
    const statusOf = async (orderId: string) =>
      (
        await kit.db
          .selectFrom('orders')
          .select('status')
          .where('id', '=', orderId)
          .executeTakeFirstOrThrow()
      ).status;

    it.each([
      ['stock.reserved', (orderId: string) => ({ orderId, items: [], totalCents: 'lots' })],
      ['stock.reserved', (orderId: string) => ({ orderId, totalCents: 2900 })],
      ['stock.rejected', (orderId: string) => ({ orderId, code: 'OUT_OF_STOCK' })],
      ['stock.released', (_orderId: string) => ({ orderId: 'not-an-order-id' })],
    ])(
      'when a %s breaks the contract (%#), then the handler refuses it and the order does not change',
      async (type, data) => {
        const orderId = await pendingOrder();
        const event = envelope(type, data(orderId));

        await expect(kit.inbox.handle(event)).rejects.toThrow(
          `${type} ${event.id} breaks its contract`,
        );
        expect(await statusOf(orderId)).toBe('pending');
        const recorded = await kit.db
          .selectFrom('inbox')
          .select('event_id')
          .where('event_id', '=', event.id)
          .execute();
        expect(recorded).toEqual([]);
      },
    );

    it('when a malformed answer comes before a good one, then it is dead-lettered, its order stays pending, and the good one still confirms its order', async () => {
      const [spoiled, good] = [await pendingOrder(), await pendingOrder()];
      const bad = envelope('stock.reserved', { orderId: spoiled, items: 'everything' });
      const feed = inventoryFeed([
        bad,
        stockReserved(good, [{ sku: 'SKU-MOUSE', quantity: 1, unitPriceCents: 2900 }]),
      ]);
      const consumer = startFeedConsumer({
        source: 'inventory',
        client: feed.client,
        inbox: kit.inbox,
        logger,
        maxAttempts: 2,
      });
      await feed.pageDone;
      await consumer.stop();

      expect(await statusOf(spoiled)).toBe('pending');
      expect(await statusOf(good)).toBe('confirmed');
      const deadLetters = await kit.db
        .selectFrom('dead_letters')
        .select(['event_id', 'type'])
        .where('event_id', '=', bad.id)
        .execute();
      expect(deadLetters).toEqual([{ event_id: bad.id, type: 'stock.reserved' }]);
    });
  },
);
