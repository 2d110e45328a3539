import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { unwrap } from '@portico/sdk';
import { eventually } from '@portico/test-kit';
import type { ExitReport, ProcessSystem, ServiceName } from '../support/processes.js';
import { as, newProduct, newShopper, type Shopper, sdkFor } from '../support/shop.js';

export type Line = { sku: string; quantity: number };

/** One order of a burst: who places it, with which key, and what came of it. */
export type Placement = {
  index: number;
  shopper: Shopper;
  key: string;
  items: Line[];
  id?: string;
  acceptedAt?: number;
  /** Every answer the client got, in order (0: no answer). */
  statuses: number[];
};

export type FinalOrder = { id: string; status: string; items: Line[]; history: unknown[] };

/** `count` orders over the shoppers and skus: one to three units of one sku, every fourth a second line. */
export function planBurst(run: string, count: number, shoppers: Shopper[], skus: string[]) {
  return Array.from({ length: count }, (_, i): Placement => {
    const items = [{ sku: skus[i % skus.length]!, quantity: 1 + (i % 3) }];
    if (i % 4 === 0) items.push({ sku: skus[(i + 1) % skus.length]!, quantity: 1 });
    return {
      index: i,
      shopper: shoppers[i % shoppers.length]!,
      key: `${run}-${i}`,
      items,
      statuses: [],
    };
  });
}

/**
 * A product per entry of `stocks` (that many units each), six shoppers
 * (registered over the gateways in turn) and a plan of `count` orders, keyed
 * `<run>-<random>-<i>`.
 */
export async function shopForBurst(
  system: ProcessSystem,
  admin: string,
  run: string,
  count: number,
  stocks: number[],
) {
  const stock: Record<string, number> = {};
  for (const units of stocks) stock[await newProduct(system.gateway, admin, units)] = units;
  const shoppers: Shopper[] = [];
  for (let i = 0; i < 6; i += 1)
    shoppers.push(await newShopper(system.gateways[i % system.gateways.length]!));
  const key = `${run}-${randomBytes(4).toString('hex')}`;
  return { stock, shoppers, placements: planBurst(key, count, shoppers, Object.keys(stock)) };
}

/** One try at placing `p` through the SDK: the status (0 for no answer) and the order. */
async function postOrder(gateway: string, p: Placement) {
  try {
    const { response, data, error } = await sdkFor(gateway).orders.POST('/api/v1/orders', {
      params: { header: { 'Idempotency-Key': p.key } },
      headers: as(p.shopper),
      body: { items: p.items },
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: data, text: JSON.stringify(data ?? error) };
  } catch (error) {
    return { status: 0, body: undefined, text: String(error) };
  }
}

/**
 * Places an order on `gateways[startAt]`, repeating it with the same
 * Idempotency-Key on the next gateway while the answer means "not now" (no
 * answer, 502, 503, 504), with backoff, for at most `withinMs`; resolves to
 * the gateway that accepted it.
 */
async function placeUntilAccepted(
  gateways: readonly string[],
  p: Placement,
  options: { withinMs: number; startAt?: number; onRefused?: (status: number) => void },
): Promise<string> {
  const deadline = Date.now() + options.withinMs;
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const gateway = gateways[((options.startAt ?? 0) + attempt) % gateways.length]!;
    const { status, body, text } = await postOrder(gateway, p);
    p.statuses.push(status);
    if (status === 202 && body?.id) {
      p.id = body.id;
      p.acceptedAt = Date.now();
      return gateway;
    }
    const retryable = status === 0 || status === 502 || status === 503 || status === 504;
    if (!retryable || Date.now() > deadline) {
      throw new Error(
        `order ${p.key}: ${status} after ${attempt + 1} tries: ${text.slice(0, 300)}`,
      );
    }
    options.onRefused?.(status);
    await sleep(Math.min(1000, 50 * 2 ** attempt));
  }
  throw new Error(`order ${p.key}: too many tries`);
}

/**
 * Places every order concurrently, one starting every `paceMs`, order i first
 * on `gateways[i % n]` (see placeUntilAccepted); resolves once every order was
 * accepted, to the gateway that accepted each, or rejects saying how many never were.
 */
export async function placeBurst(
  gateways: readonly string[],
  placements: Placement[],
  options: {
    paceMs: number;
    withinMs: number;
    /** Order i is sent once its pace and this (when given) allow it. */
    holdUntil?: (i: number) => Promise<void>;
    onAccepted?: () => void;
    onRefused?: (status: number) => void;
  },
): Promise<string[]> {
  const results = await Promise.allSettled(
    placements.map(async (p, i) => {
      await sleep(i * options.paceMs);
      await options.holdUntil?.(i);
      const via = await placeUntilAccepted(gateways, p, { ...options, startAt: i });
      options.onAccepted?.();
      return via;
    }),
  );
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} orders were never accepted; first: ${(failed[0] as PromiseRejectedResult).reason}`,
    );
  }
  return results.map((r) => (r as PromiseFulfilledResult<string>).value);
}

export type Progress = { accepted: number; refused: number; killedAt?: number };

/**
 * Places the burst concurrently, one order starting every `paceMs`; SIGKILLs
 * `victim` once `killAfter` orders were accepted, starts it again (same port
 * and data) when `restartWhen` resolves, and resolves when every order was accepted.
 * The last `killAfter / 2` orders are sent only once the victim is dead: on a
 * loaded machine the pace can run ahead of the answers, and without them every
 * order may have been sent, even accepted, before the kill took effect.
 */
export async function burstWithCrash(
  system: ProcessSystem,
  placements: Placement[],
  options: {
    victim: ServiceName;
    killAfter: number;
    paceMs: number;
    placeWithinMs: number;
    restartWhen: (progress: Progress) => Promise<void>;
  },
) {
  const progress: Progress = { accepted: 0, refused: 0 };
  let killing: Promise<ExitReport> | undefined;
  let dead: () => void = () => {};
  const victimDead = new Promise<void>((resolve) => {
    dead = resolve;
  });
  const heldFrom = placements.length - Math.ceil(options.killAfter / 2);
  if (heldFrom < options.killAfter) {
    throw new Error(
      `a burst of ${placements.length} is too short to kill after ${options.killAfter}`,
    );
  }
  const placing = placeBurst([system.gateway], placements, {
    paceMs: options.paceMs,
    withinMs: options.placeWithinMs,
    holdUntil: (i) => (i >= heldFrom ? victimDead : Promise.resolve()),
    onRefused: () => {
      progress.refused += 1;
    },
    onAccepted: () => {
      progress.accepted += 1;
      if (progress.accepted === options.killAfter) {
        killing = system.kill(options.victim).then((report) => {
          progress.killedAt = Date.now();
          dead();
          return report;
        });
      }
    },
  });
  // Awaited below, after the restart: this only keeps an early failure from going unhandled.
  placing.catch(() => {});
  await eventually('the kill scheduled', async () => killing !== undefined, { timeoutMs: 30_000 });
  const killed = await killing!;
  let restartedAt: number;
  try {
    await options.restartWhen(progress);
  } finally {
    await system.start(options.victim);
    restartedAt = Date.now();
  }
  await placing;
  const lastAcceptedAt = Math.max(...placements.map((p) => p.acceptedAt!));
  return {
    killed,
    killedAt: progress.killedAt!,
    restartedAt,
    lastAcceptedAt,
    refused: progress.refused,
  };
}

/** Polls every order until none is pending, at most `withinMs`; the final orders by index. */
export async function allTerminal(
  gateway: string,
  placements: Placement[],
  withinMs: number,
): Promise<FinalOrder[]> {
  const finals = new Map<number, FinalOrder>();
  const deadline = Date.now() + withinMs;
  while (finals.size < placements.length && Date.now() < deadline) {
    for (const p of placements) {
      if (finals.has(p.index)) continue;
      const { data: order } = await sdkFor(gateway)
        .orders.GET('/api/v1/orders/{id}', {
          params: { path: { id: p.id! } },
          headers: as(p.shopper),
          signal: AbortSignal.timeout(5000),
        })
        .catch(() => ({ data: undefined }));
      if (order && order.status !== 'pending') finals.set(p.index, order);
    }
    if (finals.size < placements.length) await sleep(100);
  }
  const stuck = placements.filter((p) => !finals.has(p.index)).map((p) => p.id);
  if (stuck.length > 0) {
    throw new Error(
      `${stuck.length} orders still pending after ${withinMs} ms: ${stuck.join(', ')}`,
    );
  }
  return placements.map((p) => finals.get(p.index)!);
}

/** Every order a shopper has, through the gateway's paginated list. */
export async function listedIds(gateway: string, shopper: Shopper): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page += 1) {
    const body: { items: { id: string }[]; nextCursor: string | null } = unwrap(
      await sdkFor(gateway).orders.GET('/api/v1/orders', {
        params: { query: { limit: 100, ...(cursor && { cursor }) } },
        headers: as(shopper),
        signal: AbortSignal.timeout(5000),
      }),
    );
    ids.push(...body.items.map((o) => o.id));
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return ids.sort();
}

/** Every shopper lists exactly the orders accepted for them: no retry made a second order. */
export async function expectNoDuplicateOrders(
  gateway: string,
  shoppers: Shopper[],
  placements: Placement[],
) {
  for (const shopper of shoppers) {
    const accepted = placements.filter((p) => p.shopper === shopper).map((p) => p.id!);
    expect(await listedIds(gateway, shopper)).toEqual([...new Set(accepted)].sort());
  }
}

export const countBy = (values: (string | number)[]) =>
  values.reduce<Record<string, number>>((acc, v) => {
    acc[v] = (acc[v] ?? 0) + 1;
    return acc;
  }, {});
