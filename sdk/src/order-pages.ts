import type { components } from '@portico/openapi/order';
import type { Portico } from './create-portico.js';
import { unwrap } from './errors.js';

type Order = components['schemas']['Order'];

/**
 * The caller's orders, newest first, a page at a time through
 * `GET /api/v2/orders`, following each page's `links.next` to the end. A
 * problem answer throws a PorticoError.
 * @example for await (const page of orderPages(portico, { limit: 50 })) show(page);
 */
export async function* orderPages(
  portico: Pick<Portico, 'orders'>,
  options: { limit?: number } = {},
): AsyncGenerator<Order[]> {
  let query: { limit?: number; cursor?: string } = { limit: options.limit };
  for (;;) {
    const { data, links } = unwrap(
      await portico.orders.GET('/api/v2/orders', { params: { query } }),
    );
    yield data;
    if (links.next === null) return;
    // `next` is a path and query of this API: its cursor and limit are the next call's query.
    const next = new URL(links.next, 'http://portico.invalid').searchParams;
    query = { limit: Number(next.get('limit')), cursor: next.get('cursor') ?? undefined };
  }
}
