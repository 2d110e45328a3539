import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createPortico, unwrap } from '@portico/sdk';

/** Registers, logs in, lists products, places an order and waits until it settles. */
export async function main(baseUrl: string, log: (line: string) => void) {
  const portico = createPortico({ baseUrl });
  const email = `ada-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';

  await portico.session.register({ email, password, name: 'Ada Lovelace' });
  await portico.session.login({ email, password });
  const me = unwrap(await portico.users.GET('/api/v1/users/me'));
  log(`signed in as ${me.name} <${me.email}>`);

  const products = unwrap(
    await portico.inventory.GET('/api/v1/inventory/products', { params: { query: { limit: 10 } } }),
  );
  for (const p of products.items)
    log(`${p.sku}  ${p.name}  ${p.priceCents} cents  ${p.available} left`);
  const product = products.items.find((p) => p.available > 0);
  if (!product) throw new Error('no product in stock (npm start seeds demo products)');

  let order = unwrap(
    await portico.orders.POST('/api/v2/orders', {
      params: { header: { 'Idempotency-Key': randomUUID() } },
      body: { items: [{ sku: product.sku, quantity: 1 }] },
    }),
  );
  log(`order ${order.id} is ${order.status}`);
  const deadline = Date.now() + 30_000;
  while (order.status === 'pending' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    order = unwrap(
      await portico.orders.GET('/api/v1/orders/{id}', { params: { path: { id: order.id } } }),
    );
  }
  log(`order ${order.id} is ${order.status}: ${order.reason ?? `total ${order.totalCents} cents`}`);

  await portico.session.logout();
  return order;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main('http://127.0.0.1:8080', console.log);
}
