import { BadRequestError } from '@portico/errors';
import { DB_ERRORS } from './errors.js';

/** Lists page by an opaque cursor: the last item's sort key, base64url-encoded. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  // No sort key holds U+0000, and PostgreSQL refuses to compare with one (a 500, found by the fuzzer).
  if (!key || key.includes('\u0000') || encodeCursor(key) !== cursor)
    throw new BadRequestError('The cursor is not valid.', DB_ERRORS.INVALID_CURSOR.code);
  return key;
}

/** Given `limit + 1` rows, the page and the cursor for the next one. */
export function page<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => string,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
