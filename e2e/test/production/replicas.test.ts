import { eventually, untilPasses } from '@portico/test-kit';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  allTerminal,
  countBy,
  expectNoDuplicateOrders,
  type Placement,
  placeBurst,
  shopForBurst,
} from '../processes/burst.js';
import { useProcesses } from '../support/process-suite.js';
import type { InstanceName } from '../support/processes.js';
import { adminToken, expectInvariant, newShopper, type Shopper } from '../support/shop.js';
import { call } from '../support/system.js';
import { productionParts } from './production-env.js';

/** The small per-caller limit the rate-limit test gives both gateways. */
const RATE_LIMIT = 12;
/** Longer than every bound below: an order that ends terminal got inventory's answer, not the timeout. */
const SAGA_TIMEOUT_MS = 60_000;
/** Without a crash, every accepted order is terminal within this. */
const TERMINAL_WITHIN_MS = 20_000;
/**
 * After a replica is SIGKILLed, within this of the kill: the entries it was
 * handed are claimed by its twin once idle 10 s (the consumer's claimIdleMs,
 * checked every 5 s), then handled.
 */
const TERMINAL_AFTER_KILL_MS = 45_000;
/** After every order is terminal, the invariant holds within this. */
const SETTLES_WITHIN_MS = 15_000;
/** A user disabled through one gateway is refused by every gateway within this (an event's way, far under the 60 s cache TTL). */
const DISABLED_WITHIN_MS = 5000;
/** The lane killed mid-burst: one gateway, one order-service, one inventory-service. */
const VICTIMS: InstanceName[] = ['gateway#2', 'order#2', 'inventory#2'];

const report = (what: string, facts: object) => console.info(`${what}: ${JSON.stringify(facts)}`);

async function query<R extends pg.QueryResultRow>(url: string, text: string, values?: unknown[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const productionPartsOrSkip = productionParts(
  'Replicas suite (real processes, PostgreSQL + Redis)',
);
const describeIf = productionPartsOrSkip ? describe : describe.skip;

describeIf(
  'several replicas of each service on one machine (real processes, production mode)',
  () => {
    const { adminUrl, redisUrl } = productionPartsOrSkip ?? { adminUrl: '', redisUrl: '' };
    const { system, tracked } = useProcesses({
      redisUrl,
      postgres: { adminUrl },
      replicas: { gateway: 2, order: 2, inventory: 2 },
      // Eight processes booting at once on a shared two-core machine.
      readyWithinMs: 90_000,
      env: {
        order: { SAGA_TIMEOUT_MS: String(SAGA_TIMEOUT_MS) },
        gateway: { RATE_LIMIT_PER_MINUTE: '1000000' },
      },
    });
    let redis: Redis;
    let admin: string;

    beforeAll(async () => {
      redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      redis.on('error', () => {});
      admin = await adminToken(system.gateway);
    });

    afterAll(() => redis?.disconnect());

    /** Starts whatever a failed test left down, so each test finds every replica. */
    async function whole() {
      for (const name of system.instances) if (!system.isRunning(name)) await system.start(name);
    }

    /** Restarts both gateways with these extra variables; resolves once both count rate limits in Redis. */
    async function restartGateways(env: Record<string, string>) {
      const gateways = system.replicas('gateway');
      await Promise.all(
        gateways.map(async (name) => {
          if (system.isRunning(name)) await system.stop(name);
          await system.start(name, { env });
        }),
      );
      // A gateway counts in memory until its first Redis probe passes.
      await untilPasses(
        async () => {
          for (const url of system.gateways) {
            const metrics = await (await fetch(`${url}/metrics`)).text();
            const shared = /^gateway_rate_limit_store\{store="redis"[^}]*\} 1$/m.test(metrics);
            expect({ url, shared }).toEqual({ url, shared: true });
          }
        },
        { timeoutMs: 10_000 },
      );
    }

    const shop = (run: string, count: number, stocks: number[]) =>
      shopForBurst(system, admin, run, count, stocks);

    /** Places every order at once (one starting every `paceMs`), alternating gateways; by gateway, how many each accepted. */
    async function placeAll(placements: Placement[], paceMs: number, onAccepted = () => {}) {
      let refused = 0;
      const via = await placeBurst(system.gateways, placements, {
        paceMs,
        withinMs: 45_000,
        onAccepted,
        onRefused: () => {
          refused += 1;
        },
      });
      return { refused, acceptedBy: countBy(via.map((url) => nameOf(url))) };
    }

    const nameOf = (url: string) => system.instances.find((name) => system.urls[name] === url)!;

    /**
     * Each event of these orders was handled once by its consuming service,
     * whichever replica got it: read from the databases, each order has one
     * `order.created` that inventory's inbox holds, one answer (`stock.reserved`
     * or `stock.rejected`) that order's inbox holds, one reservations row that
     * agrees with the order's status, and a history with one step per event.
     */
    async function expectHandledOnce(orderIds: string[]) {
      const orderDb = system.databases.order!.url;
      const inventoryDb = system.databases.inventory!.url;
      const ids = new Set(orderIds);
      const ofOrders = <T extends { data: string }>(rows: T[]) =>
        rows.filter((r) => ids.has((JSON.parse(r.data) as { orderId: string }).orderId));
      type Event = { id: string; type: string; data: string };
      const created = ofOrders(
        await query<Event>(orderDb, 'select id, type, data from outbox where type = $1', [
          'order.created',
        ]),
      );
      const answers = ofOrders(
        await query<Event>(inventoryDb, 'select id, type, data from outbox where type = any($1)', [
          ['stock.reserved', 'stock.rejected'],
        ]),
      );
      const perOrder = (events: Event[]) =>
        countBy(events.map((e) => (JSON.parse(e.data) as { orderId: string }).orderId));
      const once = Object.fromEntries(orderIds.map((id) => [id, 1]));
      expect(perOrder(created)).toEqual(once);
      expect(perOrder(answers)).toEqual(once);

      const inboxOf = async (url: string, eventIds: string[]) =>
        (
          await query<{ event_id: string }>(
            url,
            'select event_id from inbox where event_id = any($1)',
            [eventIds],
          )
        )
          .map((r) => r.event_id)
          .sort();
      expect(
        await inboxOf(
          inventoryDb,
          created.map((e) => e.id),
        ),
      ).toEqual(created.map((e) => e.id).sort());
      expect(
        await inboxOf(
          orderDb,
          answers.map((e) => e.id),
        ),
      ).toEqual(answers.map((e) => e.id).sort());

      const reservations = await query<{ order_id: string; state: string }>(
        inventoryDb,
        'select order_id, state from reservations where order_id = any($1)',
        [orderIds],
      );
      const orders = await query<{ id: string; status: string; history: string }>(
        orderDb,
        'select id, status, history from orders where id = any($1)',
        [orderIds],
      );
      expect(orders).toHaveLength(orderIds.length);
      const stateOf = new Map(reservations.map((r) => [r.order_id, r.state]));
      const answerOf = new Map(
        answers.map((e) => [(JSON.parse(e.data) as { orderId: string }).orderId, e.type]),
      );
      for (const o of orders) {
        const steps = (JSON.parse(o.history) as { status: string }[]).map((h) => h.status);
        const expected =
          o.status === 'confirmed'
            ? { answer: 'stock.reserved', state: 'reserved' }
            : { answer: 'stock.rejected', state: 'rejected' };
        expect({ id: o.id, steps, answer: answerOf.get(o.id), state: stateOf.get(o.id) }).toEqual({
          id: o.id,
          steps: ['pending', o.status],
          ...expected,
        });
      }
    }

    /** The consumer group of `service` on `source`'s stream: its consumers' pending counts. */
    async function groupOf(source: string, service: string) {
      const stream = `${system.redisPrefix}:events:${source}`;
      const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
      const names = groups.map((g) => String(g[g.indexOf('name') + 1]));
      const consumers = (await redis.xinfo('CONSUMERS', stream, service)) as unknown[][];
      return {
        groups: names,
        pending: Object.fromEntries(
          consumers.map((c) => [
            String(c[c.indexOf('name') + 1]),
            Number(c[c.indexOf('pending') + 1]),
          ]),
        ),
      };
    }

    /** The envelope ids on a stream that appear more than once. */
    async function duplicatesOn(source: string) {
      const entries = await redis.xrange(`${system.redisPrefix}:events:${source}`, '-', '+');
      const ids = entries.map(([, fields]) => (JSON.parse(fields[1]!) as { id: string }).id);
      return Object.entries(countBy(ids)).filter(([, n]) => n > 1);
    }

    it(
      'when requests from one caller are split over both gateways, then exactly the limit is allowed in all, and the rest are 429 with RateLimit and Retry-After headers',
      tracked(async () => {
        await whole();
        const requests = 30;
        try {
          await restartGateways({ RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) });
          const ada = await newShopper(system.gateways[1]!);
          const bob = await newShopper(system.gateways[0]!);
          const list = (gateway: string, shopper: Shopper) =>
            fetch(`${gateway}/api/v1/orders`, {
              headers: { authorization: `Bearer ${shopper.token}` },
            });

          // One after the other, alternating: the count each gateway sees is the shared one.
          const answers: { via: string; status: number; remaining: string | undefined }[] = [];
          for (let i = 0; i < requests; i += 1) {
            const res = await list(system.gateways[i % 2]!, ada);
            const body = await res.text();
            const remaining = /remaining=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1];
            answers.push({ via: nameOf(system.gateways[i % 2]!), status: res.status, remaining });
            expect(res.headers.get('ratelimit-policy')).toBe(`${RATE_LIMIT};w=60`);
            if (res.status === 429) {
              const retryAfter = Number(res.headers.get('retry-after'));
              expect(retryAfter).toBeGreaterThanOrEqual(1);
              expect(retryAfter).toBeLessThanOrEqual(60);
              expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
              expect(JSON.parse(body)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
            }
          }
          expect(answers.map((a) => a.status)).toEqual([
            ...Array(RATE_LIMIT).fill(200),
            ...Array(requests - RATE_LIMIT).fill(429),
          ]);
          // The k-th request, whichever gateway took it, leaves limit - k.
          expect(answers.map((a) => Number(a.remaining))).toEqual(
            answers.map((_, k) => Math.max(RATE_LIMIT - (k + 1), 0)),
          );
          const counter = await redis.get(`${system.redisPrefix}:rl:api:user:${ada.id}`);
          expect(Number(counter)).toBe(requests);

          // All at once: the shared count is atomic, so still exactly the limit.
          const burst = await Promise.all(
            Array.from({ length: requests }, async (_, i) => {
              const res = await list(system.gateways[i % 2]!, bob);
              await res.body?.cancel();
              return { via: nameOf(system.gateways[i % 2]!), status: res.status };
            }),
          );
          expect(countBy(burst.map((a) => a.status))).toEqual({
            200: RATE_LIMIT,
            429: requests - RATE_LIMIT,
          });
          report('rate limit', {
            sequential: countBy(answers.map((a) => `${a.via} ${a.status}`)),
            concurrent: countBy(burst.map((a) => `${a.via} ${a.status}`)),
          });
        } finally {
          await restartGateways({});
        }
      }),
      60_000,
    );

    it(
      "when an admin disables a user through one gateway, then the other gateway refuses the user's still-valid token within the bound, not after its cache's TTL",
      tracked(async () => {
        await whole();
        const eve = await newShopper(system.gateway);
        const list = (gateway: string) =>
          call(gateway, '/api/v1/orders', { token: eve.token }).then((r) => ({
            status: r.status,
            code: r.body?.code as string | undefined,
          }));
        // Both gateways hold "active" for her in memory (USER_CACHE_TTL_SECONDS: 60).
        for (const gateway of system.gateways)
          expect(await list(gateway)).toMatchObject({ status: 200 });
        const disabled = await call(system.gateway, `/api/v1/users/${eve.id}/disable`, {
          method: 'POST',
          token: admin,
        });
        expect(disabled.status).toBe(200);
        // Every gateway follows the user stream itself (no group): each one drops her entry.
        const refusedMs = await Promise.all(
          system.gateways.map((gateway) =>
            eventually(
              'her listing refused by this gateway',
              async () => (await list(gateway)).status === 403,
              { timeoutMs: DISABLED_WITHIN_MS },
            ),
          ),
        );
        for (const gateway of system.gateways)
          expect(await list(gateway)).toEqual({ status: 403, code: 'USER_DISABLED' });
        report('disabled everywhere', {
          refusedAfterMs: Object.fromEntries(
            system.gateways.map((g, i) => [nameOf(g), refusedMs[i]]),
          ),
        });
      }),
      30_000,
    );

    it(
      'when a burst of orders goes through both gateways to both replicas, then each event is handled exactly once by each consuming service',
      tracked(async () => {
        await whole();
        const { shoppers, placements } = await shop('once', 40, [30, 10, 40]);
        const started = Date.now();
        const placed = await placeAll(placements, 10);
        const finals = await allTerminal(system.gateway, placements, TERMINAL_WITHIN_MS);
        expect(countBy(finals.map((o) => o.status))).toEqual(
          expect.not.objectContaining({ cancelled: expect.anything() }),
        );
        await expectNoDuplicateOrders(system.gateway, shoppers, placements);
        await expectHandledOnce(placements.map((p) => p.id!));

        // One group per consuming service, shared by its replicas (one consumer each), all acknowledged.
        const pidsOf = (service: 'order' | 'inventory') =>
          system.replicas(service).map((name) => String(system.pid(name)));
        for (const [source, service, replicas] of [
          ['order', 'inventory-service', pidsOf('inventory')],
          ['inventory', 'order-service', pidsOf('order')],
        ] as const) {
          await untilPasses(
            async () => {
              const group = await groupOf(source, service);
              expect(group.groups).toEqual([service]);
              const consumers = Object.keys(group.pending);
              for (const pid of replicas)
                expect(consumers.some((c) => c.endsWith(`-${pid}`))).toBe(true);
              expect(Object.values(group.pending).every((n) => n === 0)).toBe(true);
            },
            { timeoutMs: 5000 },
          );
          // Two relays share each outbox (SKIP LOCKED): no event went onto the stream twice.
          expect(await duplicatesOn(source)).toEqual([]);
        }
        report('handled once', {
          acceptedBy: placed.acceptedBy,
          statuses: countBy(finals.map((o) => o.status)),
          terminalMs: Date.now() - started,
        });
      }),
      90_000,
    );

    it(
      'when concurrent orders for scarce stock go through both gateways, then every order ends terminal and the invariant holds exactly',
      tracked(async () => {
        await whole();
        const { stock, shoppers, placements } = await shop('scarce', 60, [12, 8, 15]);
        const started = Date.now();
        const placed = await placeAll(placements, 5);
        const finals = await allTerminal(system.gateway, placements, TERMINAL_WITHIN_MS);
        const statuses = countBy(finals.map((o) => o.status));
        // Demand is several times the stock: both outcomes happened, and nothing timed out.
        expect(statuses.confirmed).toBeGreaterThan(0);
        expect(statuses.rejected).toBeGreaterThan(0);
        expect(statuses.cancelled).toBeUndefined();
        await expectNoDuplicateOrders(system.gateway, shoppers, placements);
        await untilPasses(() => expectInvariant(system.gateway, stock, finals), {
          timeoutMs: SETTLES_WITHIN_MS,
        });
        await expectInvariant(system.gateways[1]!, stock, finals);
        report('scarce stock', {
          acceptedBy: placed.acceptedBy,
          statuses,
          invariantMs: Date.now() - started,
        });
      }),
      90_000,
    );

    it(
      'when one gateway, one order-service and one inventory-service are SIGKILLed mid-burst, then clients retry on the other gateway, every accepted order ends terminal, each once, and the invariant holds',
      tracked(async () => {
        await whole();
        const { stock, shoppers, placements } = await shop('kill', 60, [25, 12, 40]);
        let accepted = 0;
        let killing: Promise<unknown> | undefined;
        let killedAt = 0;
        const placed = await placeAll(placements, 25, () => {
          accepted += 1;
          if (accepted === 20) {
            killing = Promise.all(VICTIMS.map((name) => system.kill(name))).then((reports) => {
              killedAt = Date.now();
              return reports;
            });
          }
        });
        const reports = (await killing) as { signal: string }[];
        expect(reports.map((r) => r.signal)).toEqual(VICTIMS.map(() => 'SIGKILL'));
        for (const name of VICTIMS) expect(system.isRunning(name)).toBe(false);
        // Orders placed on the dead gateway after the kill went through the other one.
        expect(placed.refused).toBeGreaterThan(0);

        const finals = await allTerminal(
          system.gateway,
          placements,
          Math.max(1000, killedAt + TERMINAL_AFTER_KILL_MS - Date.now()),
        );
        const terminalMs = Date.now() - killedAt;
        const statuses = countBy(finals.map((o) => o.status));
        // Nothing waited out the saga timeout: the survivors took over the dead replicas' events.
        expect(statuses.cancelled).toBeUndefined();
        await expectNoDuplicateOrders(system.gateway, shoppers, placements);
        await untilPasses(() => expectInvariant(system.gateway, stock, finals), {
          timeoutMs: SETTLES_WITHIN_MS,
        });
        await expectHandledOnce(placements.map((p) => p.id!));
        // Whatever the dead consumers held was claimed and acknowledged by their twins.
        for (const [source, service] of [
          ['order', 'inventory-service'],
          ['inventory', 'order-service'],
        ] as const) {
          await untilPasses(
            async () => {
              const { pending } = await groupOf(source, service);
              expect(Object.values(pending).every((n) => n === 0)).toBe(true);
            },
            { timeoutMs: 5000 },
          );
        }
        report('kill one lane', {
          acceptedBy: placed.acceptedBy,
          clientAnswers: countBy(placements.flatMap((p) => p.statuses)),
          statuses,
          terminalAfterKillMs: terminalMs,
        });
      }),
      120_000,
    );
  },
);
