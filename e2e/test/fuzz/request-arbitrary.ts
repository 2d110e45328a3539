import fc from 'fast-check';
import { type Actor, build, type Context, type FuzzCase, type Parts } from './fuzz-case.js';
import { mutationsFor } from './request-mutations.js';
import { validOf } from './schema-arbitrary.js';
import { printable } from './send.js';
import type { Operation } from './spec-operations.js';

/** Valid values for every parameter and the body; optional parameters sometimes left out. */
function validParts(operation: Operation, ctx: Context, actor?: Actor): fc.Arbitrary<Parts> {
  const valueFor = (p: Operation['parameters'][number]) => {
    const generated = validOf(ctx.spec, p.schema);
    const pool = ctx.parameterPool(operation.id, p.name);
    return pool
      ? fc.oneof({ weight: 4, arbitrary: pool }, { weight: 1, arbitrary: generated })
      : generated;
  };
  const group = (where: string) =>
    fc.record(
      Object.fromEntries(
        operation.parameters
          .filter((p) => p.in === where)
          .map((p) => [
            p.name,
            p.required ? valueFor(p) : fc.option(valueFor(p), { nil: undefined }),
          ]),
      ),
    );
  const actors: fc.WeightedArbitrary<Actor>[] = [
    { weight: 3, arbitrary: fc.constant('user') },
    { weight: 3, arbitrary: fc.constant('admin') },
    { weight: operation.anonymous ? 3 : 1, arbitrary: fc.constant('anonymous') },
  ];
  return fc.record({
    actor: actor ? fc.constant(actor) : fc.oneof(...actors),
    path: group('path'),
    query: group('query'),
    headers: group('header'),
    body: operation.body
      ? validOf(ctx.spec, operation.body.schema, ctx.known(operation.id))
      : fc.constant(undefined),
  });
}

/** fast-check prints a counterexample with this: the request as it went, not a megabyte of Buffer. */
const printed = (c: FuzzCase) =>
  Object.assign(c, { [fc.toStringMethod]: () => printable(c.request) });

/**
 * Requests for one operation: about half valid (every parameter and the body
 * from their schemas, real ids and skus mixed in), the rest with one mutation:
 * a forged token, another method, bad query or path parameters, an invalid body
 * value, broken JSON, a wrong or missing media type, no body, a huge body, or a
 * body where none belongs.
 */
export function casesFor(operation: Operation, ctx: Context): fc.Arbitrary<FuzzCase> {
  const mutations = mutationsFor(operation);
  return validParts(operation, ctx)
    .chain((parts) =>
      fc.oneof(
        {
          weight: Object.keys(mutations).length,
          arbitrary: fc.constant(build(operation, ctx, parts, 'valid')),
        },
        ...Object.values(mutations).map((mutate) => ({
          weight: 1,
          arbitrary: mutate(operation, ctx, parts),
        })),
      ),
    )
    .map(printed);
}

/** Valid requests for one operation from one actor: the examples every run starts with. */
export function validCasesFor(
  operation: Operation,
  ctx: Context,
  actor: Actor,
): fc.Arbitrary<FuzzCase> {
  return validParts(operation, ctx, actor)
    .map((parts) => build(operation, ctx, parts, 'valid'))
    .map(printed);
}
