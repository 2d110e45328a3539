/** One problem code a process answers: the `code` member, its HTTP status, what it tells the client. */
export type ErrorCode<Code extends string = string> = {
  readonly code: Code;
  readonly status: number;
  readonly meaning: string;
};

type Entries = Record<string, { status: number; meaning: string }>;

/** A workspace's problem codes, keyed by code. */
export type ErrorCatalogue<T extends Entries = Entries> = {
  readonly [Code in keyof T & string]: ErrorCode<Code>;
};

/**
 * Every problem code a workspace answers, in one place, each with its status
 * and a one-line meaning. Handlers throw `CATALOGUE.SOME_CODE.code`, never a
 * string literal, and a test holds the catalogue to the workspace's spec.
 */
export function errorCatalogue<const T extends Entries>(entries: T): ErrorCatalogue<T> {
  const codes = Object.entries(entries).map(([code, { status, meaning }]) => [
    code,
    Object.freeze({ code, status, meaning }),
  ]);
  return Object.freeze(Object.fromEntries(codes)) as ErrorCatalogue<T>;
}
