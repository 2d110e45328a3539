import { type System, startSystem } from '../../e2e/test/support/system.js';
import { main } from '../examples/quickstart.js';

describe('the README quickstart', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => system.stop());

  it('when the quickstart program runs against the gateway, then it signs in and its order is confirmed', async () => {
    const lines: string[] = [];
    const order = await main(system.gateway, (line) => lines.push(line));

    expect(order.status).toBe('confirmed');
    // One of the first product in stock: the total is the price the program listed for it.
    const [item] = order.items;
    expect(item?.quantity).toBe(1);
    const listed = lines.find((line) => line.startsWith(`${item?.sku}  `));
    expect(listed).toContain(`  ${order.totalCents} cents  `);
    expect(lines[0]).toMatch(/^signed in as Ada Lovelace <ada-\d+@example\.com>$/);
    expect(lines.at(-1)).toMatch(new RegExp(`^order ${order.id} is confirmed: total \\d+ cents$`));
  });

  it('when the README is read, then it shows the example program exactly', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const example = await readFile(new URL('../examples/quickstart.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });
});
