import { DB_ERRORS, decodeCursor, page } from '@portico/db';
import { BadRequestError } from '@portico/errors';
import { type Order, type OrderRepository, orderCursorKey } from '../data/order-repository.js';

export type OrderPageQuery = { limit: number; cursor: string | undefined };

/** One page of a user's orders, newest first, and the cursor of the next page (null on the last). */
export async function readOrderPage(
  repository: OrderRepository,
  userId: string,
  { limit, cursor }: OrderPageQuery,
): Promise<{ items: Order[]; nextCursor: string | null }> {
  const after = decodeCursor(cursor);
  if (after !== undefined && !/^\d+\|[0-9a-f-]{36}$/.test(after)) {
    throw new BadRequestError('The cursor is not valid.', DB_ERRORS.INVALID_CURSOR.code);
  }
  const rows = await repository.listForUser(userId, limit + 1, after);
  return page(rows, limit, orderCursorKey);
}
