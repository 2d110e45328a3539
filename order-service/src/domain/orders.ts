import { createHash, randomUUID } from 'node:crypto';
import { isUniqueViolation } from '@portico/db';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  UnprocessableError,
} from '@portico/errors';
import type { Outbox } from '@portico/events';
import type { Caller } from '@portico/token-auth';
import type { UserStatus, UserStatusCache } from '@portico/user-directory';
import {
  createOrderRepository,
  type Order,
  type OrderRepository,
} from '../data/order-repository.js';
import type { OrderDatabase } from '../data/schema.js';
import { ORDER_ERRORS } from '../errors.js';
import { cancelOrder } from './saga.js';

export type OrderLine = { sku: string; quantity: number };

const notFound = () => new NotFoundError('No such order.', ORDER_ERRORS.ORDER_NOT_FOUND.code);

/** Owners and admins see an order; anyone else gets 404, so order ids do not leak. */
function visibleTo(order: Order | undefined, caller: Caller): order is Order {
  return (
    !!order &&
    caller.kind === 'user' &&
    (order.userId === caller.sub || caller.roles.includes('admin'))
  );
}

/** All the orders need of the user directory: a user's status, cached. */
export type UserStatuses = Pick<UserStatusCache, 'get'>;

async function userStatus(users: UserStatuses, userId: string): Promise<UserStatus | undefined> {
  try {
    return await users.get(userId);
  } catch (error) {
    throw new ServiceUnavailableError(
      'The user directory is unavailable; try again shortly.',
      ORDER_ERRORS.USER_SERVICE_UNAVAILABLE.code,
      5,
      error,
    );
  }
}

export function createOrders(deps: {
  repository: OrderRepository;
  outbox: Outbox<OrderDatabase>;
  users: UserStatuses;
  now: () => number;
}) {
  const { repository, outbox, now } = deps;

  return {
    /**
     * Checks the user over REST, then writes the order `pending` and
     * `order.created` in one local transaction. An Idempotency-Key replay
     * returns the order it made the first time and reserves nothing again.
     */
    async place(
      userId: string,
      items: OrderLine[],
      idempotencyKey?: string,
    ): Promise<{ order: Order; replayed: boolean }> {
      const skus = new Set(items.map((i) => i.sku));
      if (skus.size !== items.length)
        throw new BadRequestError('Each sku may appear once.', ORDER_ERRORS.DUPLICATE_SKU.code);
      const requestHash = createHash('sha256').update(JSON.stringify(items)).digest('base64url');
      const replay = async () => {
        const earlier =
          idempotencyKey && (await repository.findByIdempotencyKey(userId, idempotencyKey));
        if (!earlier) return undefined;
        if (earlier.requestHash !== requestHash) {
          throw new UnprocessableError(
            'This Idempotency-Key was used for a different order.',
            ORDER_ERRORS.IDEMPOTENCY_KEY_REUSED.code,
          );
        }
        return { order: earlier.order, replayed: true };
      };
      const earlier = await replay();
      if (earlier) return earlier;

      const status = await userStatus(deps.users, userId);
      if (status === 'disabled')
        throw new ForbiddenError('This account is disabled.', ORDER_ERRORS.USER_DISABLED.code);
      if (status !== 'active')
        throw new UnprocessableError('The user does not exist.', ORDER_ERRORS.USER_UNKNOWN.code);

      try {
        const order = await outbox.transaction(async (trx, emit) => {
          const placed = await createOrderRepository(trx).insert({
            id: randomUUID(),
            userId,
            items,
            idempotencyKey: idempotencyKey ?? null,
            requestHash: idempotencyKey ? requestHash : null,
            at: now(),
          });
          await emit('order.created', { orderId: placed.id, userId, items });
          return placed;
        });
        return { order, replayed: false };
      } catch (error) {
        // Two requests with one key raced: the loser answers with the winner's order.
        if (isUniqueViolation(error)) {
          const winner = await replay();
          if (winner) return winner;
        }
        throw error;
      }
    },

    async get(id: string, caller: Caller): Promise<Order> {
      const order = await repository.find(id);
      if (!visibleTo(order, caller)) throw notFound();
      return order;
    },

    /** The owner (or an admin) cancels a pending or confirmed order; inventory then releases its stock. */
    async cancel(id: string, caller: Caller): Promise<Order> {
      const order = await repository.find(id);
      if (!visibleTo(order, caller)) throw notFound();
      const who = order.userId === caller.sub ? 'owner' : 'admin';
      for (const from of ['pending', 'confirmed'] as const) {
        if (
          order.status === from &&
          (await cancelOrder(outbox, id, from, `cancelled by ${who}`, now))
        ) {
          return (await repository.find(id))!;
        }
      }
      const current = (await repository.find(id))!;
      if (current.status === 'cancelled') return current;
      throw new ConflictError(
        `An order that is ${current.status} cannot be cancelled.`,
        ORDER_ERRORS.ORDER_NOT_CANCELLABLE.code,
      );
    },
  };
}

export type Orders = ReturnType<typeof createOrders>;
