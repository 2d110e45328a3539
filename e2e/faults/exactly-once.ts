import type { Ledger, Store } from './ledger.js';

/** Who consumes whose events (each service's `consume.feeds`). */
const CONSUMERS: Record<Store, Store> = {
  auth: 'user',
  user: 'auth',
  order: 'inventory',
  inventory: 'order',
};

const countOf = (values: string[]) => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
};

/**
 * "Every event in every outbox has been handled exactly once in effect":
 * each outbox event is in its consumer's inbox (none lost, none dead-lettered,
 * none invented), and each effect happened once per cause: one answer from
 * inventory per order, one release per cancelled reservation, one history
 * note per release, one profile per account. Returns what is wrong, and counts.
 */
export function exactlyOnce(ledger: Ledger) {
  const problems: string[] = [];
  const events: Record<string, number> = {};
  for (const [producer, consumer] of Object.entries(CONSUMERS) as [Store, Store][]) {
    const sent = new Set(ledger[producer].outbox.map((e) => e.id));
    const handled = new Set(
      ledger[consumer].inbox.filter((e) => e.source === producer).map((e) => e.id),
    );
    const lost = [...sent].filter((id) => !handled.has(id));
    const invented = [...handled].filter((id) => !sent.has(id));
    events[`${producer}->${consumer}`] = sent.size;
    if (lost.length > 0)
      problems.push(
        `${lost.length} ${producer} events never handled by ${consumer}: ${lost.slice(0, 3)}`,
      );
    if (invented.length > 0)
      problems.push(`${invented.length} ${consumer} inbox rows match no ${producer} event`);
  }
  for (const store of Object.keys(CONSUMERS) as Store[])
    if (ledger[store].deadLetters > 0)
      problems.push(`${ledger[store].deadLetters} dead letters in ${store}`);

  const byOrder = (store: Store, type: string) =>
    countOf(ledger[store].outbox.filter((e) => e.type === type).map((e) => String(e.data.orderId)));
  const created = byOrder('order', 'order.created');
  const cancelled = byOrder('order', 'order.cancelled');
  const answered = countOf(
    ledger.inventory.outbox
      .filter((e) => e.type === 'stock.reserved' || e.type === 'stock.rejected')
      .map((e) => String(e.data.orderId)),
  );
  const released = byOrder('inventory', 'stock.released');
  const reservations = new Map(ledger.reservations.map((r) => [r.orderId, r.state]));
  const once = (what: string, id: string, n: number, expected: number) => {
    if (n !== expected) problems.push(`order ${id}: ${n} × ${what}, expected ${expected}`);
  };

  for (const o of ledger.orders) {
    const state = reservations.get(o.id);
    once('order.created', o.id, created.get(o.id) ?? 0, 1);
    once('inventory answer (stock.reserved | stock.rejected)', o.id, answered.get(o.id) ?? 0, 1);
    once('order.cancelled', o.id, cancelled.get(o.id) ?? 0, o.status === 'cancelled' ? 1 : 0);
    once('stock.released', o.id, released.get(o.id) ?? 0, state === 'released' ? 1 : 0);
    const notes = o.history.filter((h) => h.detail === 'stock released').length;
    once('"stock released" history note', o.id, notes, released.get(o.id) ?? 0);
    const steps = o.history.filter((h) => h.detail !== 'stock released').map((h) => h.status);
    if (new Set(steps).size !== steps.length || steps.at(-1) !== o.status)
      problems.push(`order ${o.id}: its steps repeat or end elsewhere: ${steps.join(' → ')}`);
    // What inventory holds agrees with the order's outcome.
    const agrees =
      (o.status === 'confirmed' && state === 'reserved') ||
      (o.status === 'rejected' && state === 'rejected') ||
      (o.status === 'cancelled' && state !== 'reserved' && state !== undefined);
    if (!agrees) problems.push(`order ${o.id} is ${o.status} but inventory has it ${state}`);
  }
  if (reservations.size !== ledger.orders.length)
    problems.push(`${reservations.size} reservations for ${ledger.orders.length} orders`);

  const registered = ledger.auth.outbox.filter((e) => e.type === 'user.registered');
  const profiles = new Set(ledger.profiles);
  const missing = registered.filter((e) => !profiles.has(String(e.data.id)));
  if (missing.length > 0) problems.push(`${missing.length} registered users have no profile`);
  if (ledger.profiles.length !== ledger.accounts.length)
    problems.push(`${ledger.profiles.length} profiles for ${ledger.accounts.length} accounts`);

  return {
    problems,
    events,
    orders: ledger.orders.length,
    releases: [...released.values()].reduce((a, b) => a + b, 0),
  };
}
