import fc from 'fast-check';
import { NASTY_NUMBERS, NASTY_STRINGS } from './nasty-values.js';
import { type Known, validOf } from './schema-arbitrary.js';
import { deref, type Schema } from './spec-operations.js';

/** A property name that must not be accepted where the schema closes the object. */
const extraKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'id',
    'roles',
    'status',
    'admin',
    'userId',
  ),
  fc.string({ minLength: 1, maxLength: 12 }),
);

/** Sets an own property (even `__proto__`), so JSON.stringify sends it. */
export function withOwn(target: object, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...target } as Record<string, unknown>;
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Any JSON value, including the nasty strings and numbers. */
const anyValue = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, [], {}, ...NASTY_NUMBERS),
  fc.constantFrom(...NASTY_STRINGS),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A value of some JSON type the schema does not allow. */
function wrongType(schema: Schema): fc.Arbitrary<unknown> {
  const allowed = new Set(
    Array.isArray(schema.type) ? schema.type.map(String) : [String(schema.type)],
  );
  const byType: [string, fc.Arbitrary<unknown>][] = [
    ['null', fc.constant(null)],
    ['boolean', fc.boolean()],
    ['integer', fc.constantFrom(0, -1, 7, 2 ** 53)],
    ['number', fc.constantFrom(1.5, -0.25, 1e308)],
    ['string', fc.constantFrom('7', 'true', 'null', '', '[]', '{}', ...NASTY_STRINGS.slice(0, 12))],
    ['array', fc.constantFrom([], [null], ['a', 1], [[[[]]]])],
    ['object', fc.constantFrom({}, { a: 1 }, { $ref: '#/x' })],
  ];
  const others = byType.filter(
    ([type]) => !allowed.has(type) && !(type === 'integer' && allowed.has('number')),
  );
  return others.length > 0 ? fc.oneof(...others.map(([, arbitrary]) => arbitrary)) : anyValue;
}

/** A string that breaks the schema's length, pattern or format, or is simply strange. */
function badString(schema: Schema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [
    fc.constantFrom(...NASTY_STRINGS),
    fc.string({ maxLength: 40, unit: 'binary' }),
    // Large enough to cross every length limit; the gateway's body limit is tested elsewhere.
    fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)),
  ];
  if (typeof schema.maxLength === 'number')
    options.push(
      fc.constant('y'.repeat(schema.maxLength + 1)),
      fc.constant('é'.repeat(schema.maxLength + 1)),
    );
  if (typeof schema.minLength === 'number' && schema.minLength > 0)
    options.push(fc.constant('z'.repeat(schema.minLength - 1)));
  if (schema.format || schema.pattern)
    options.push(
      fc.constantFrom('not-a-uuid', 'x@', '@', 'a b@c.d', '2024-13-45T25:61:00Z', '-lead', '.dot'),
    );
  return fc.oneof(...options);
}

function badNumber(schema: Schema): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [fc.constantFrom(...NASTY_NUMBERS)];
  if (typeof schema.minimum === 'number') options.push(fc.constant(schema.minimum - 1));
  if (typeof schema.maximum === 'number') options.push(fc.constant(schema.maximum + 1));
  return fc.oneof(...options);
}

function badObject(
  root: Schema,
  schema: Schema,
  known: Known,
  depth: number,
): fc.Arbitrary<unknown> {
  const valid = validOf(root, schema, known, undefined, depth) as fc.Arbitrary<
    Record<string, unknown>
  >;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const options: fc.Arbitrary<unknown>[] = [
    fc.tuple(valid, extraKey, anyValue).map(([value, key, extra]) => withOwn(value, key, extra)),
  ];
  if (required.length > 0)
    options.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([value, key]) => {
        const { [key]: _dropped, ...rest } = value;
        return rest;
      }),
    );
  const names = Object.keys(properties);
  if (names.length > 0 && depth < 4)
    options.push(
      fc
        .constantFrom(...names)
        .chain((key) =>
          fc
            .tuple(valid, invalidOf(root, properties[key]!, known, depth + 1))
            .map(([value, bad]) => withOwn(value, key, bad)),
        ),
      fc.tuple(valid, fc.constantFrom(...names)).map(([value, key]) => withOwn(value, key, null)),
    );
  return fc.oneof(...options);
}

function badArray(
  root: Schema,
  schema: Schema,
  known: Known,
  depth: number,
): fc.Arbitrary<unknown> {
  const item = (schema.items ?? {}) as Schema;
  const options: fc.Arbitrary<unknown>[] = [fc.constant([])];
  if (typeof schema.maxItems === 'number')
    options.push(
      fc.array(validOf(root, item, known, undefined, depth + 1), {
        minLength: schema.maxItems + 1,
        maxLength: schema.maxItems + 1,
      }),
    );
  if (depth < 4)
    options.push(
      fc.array(invalidOf(root, item, known, depth + 1), { minLength: 1, maxLength: 3 }),
      fc.array(fc.constant(null), { minLength: 1, maxLength: 2 }),
    );
  return fc.oneof(...options);
}

/**
 * An arbitrary of values that (almost always) break `schema`: a wrong type,
 * null, a missing required or an unknown property, a string or number past its
 * bounds, pattern or format, an array too long or with a bad item, nested as
 * deep as the schema goes.
 */
export function invalidOf(
  root: Schema,
  rawSchema: Schema,
  known: Known = new Map(),
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = deref(root, rawSchema);
  const options: fc.Arbitrary<unknown>[] = [wrongType(schema), fc.constant(null)];
  if (Array.isArray(schema.enum))
    options.push(fc.constantFrom('', 'ADMIN', 'Bearer ', ...NASTY_STRINGS.slice(0, 6)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'string') options.push(badString(schema));
  if (type === 'integer' || type === 'number') options.push(badNumber(schema));
  if (type === 'object' || schema.properties) options.push(badObject(root, schema, known, depth));
  if (type === 'array') options.push(badArray(root, schema, known, depth));
  return fc.oneof(...options);
}
