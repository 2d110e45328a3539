import fc from 'fast-check';
import { NASTY_STRINGS } from './nasty-values.js';
import { deref, type Schema } from './spec-operations.js';

/**
 * Values the system already knows (real skus, order ids, refresh tokens),
 * by property or parameter name: a valid request that only ever names random
 * ids would never get past a 404.
 */
export type Known = ReadonlyMap<string, fc.Arbitrary<unknown>>;

/** Strings stay short unless the schema asks for more: the point is variety, not volume. */
const DEFAULT_MAX_LENGTH = 24;
const DEFAULT_MAX_ITEMS = 4;

const codePoints = (s: string) => [...s].length;
const types = (schema: Schema): string[] =>
  Array.isArray(schema.type) ? schema.type.map(String) : schema.type ? [String(schema.type)] : [];

/** A string of `minLength`..`maxLength` characters, mostly ASCII, sometimes any Unicode. */
function plainString(schema: Schema): fc.Arbitrary<string> {
  const minLength = Number(schema.minLength ?? 0);
  const maxLength = Number(schema.maxLength ?? Math.max(minLength, DEFAULT_MAX_LENGTH));
  const cap = Math.min(maxLength, minLength + DEFAULT_MAX_LENGTH);
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ minLength, maxLength: cap, unit: 'grapheme-ascii' }) },
      { weight: 1, arbitrary: fc.string({ minLength, maxLength: cap, unit: 'grapheme' }) },
      // Valid by the schema, and still the strings most likely to break something below it.
      { weight: 1, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    )
    .filter((s) => codePoints(s) >= minLength && s.length <= maxLength);
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  const maxLength = Number(schema.maxLength ?? Number.POSITIVE_INFINITY);
  const minLength = Number(schema.minLength ?? 0);
  const fits = (s: string) => s.length <= maxLength && codePoints(s) >= minLength;
  if (typeof schema.pattern === 'string')
    return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  switch (schema.format) {
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc
        .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    default:
      return plainString(schema);
  }
}

function objectOf(
  root: Schema,
  schema: Schema,
  known: Known,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const record = fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [
        name,
        validOf(root, property, known, name, depth + 1),
      ]),
    ),
    { requiredKeys: required.filter((name) => name in properties) },
  ) as fc.Arbitrary<Record<string, unknown>>;
  const minProperties = Number(schema.minProperties ?? 0);
  return minProperties > 0 ? record.filter((o) => Object.keys(o).length >= minProperties) : record;
}

/**
 * An arbitrary of values valid against `schema`, for the JSON Schema 2020-12
 * subset the Portico specs use: `$ref`, `type` (also as a list), `enum`,
 * `const`, `oneOf`/`anyOf`, `format` (email, uuid, date-time), string lengths
 * and `pattern`, numeric bounds, `items` with `minItems`/`maxItems`, objects with
 * `properties`, `required`, `minProperties` (extra properties are never added
 * here: that is a mutation). `name` is the property or parameter the value is
 * for, looked up in `known`.
 */
export function validOf(
  root: Schema,
  rawSchema: Schema,
  known: Known = new Map(),
  name?: string,
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = deref(root, rawSchema);
  const generated = fromSchema(root, schema, known, depth);
  const pool = name === undefined ? undefined : known.get(name);
  return pool
    ? fc.oneof({ weight: 3, arbitrary: pool }, { weight: 1, arbitrary: generated })
    : generated;
}

function fromSchema(
  root: Schema,
  schema: Schema,
  known: Known,
  depth: number,
): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const alternatives = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (Array.isArray(alternatives))
    return fc.oneof(...alternatives.map((s) => validOf(root, s, known, undefined, depth)));
  const listed = types(schema);
  if (listed.length > 1)
    return fc.oneof(...listed.map((type) => fromSchema(root, { ...schema, type }, known, depth)));
  switch (listed[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({
        min: Math.max(Number(schema.minimum ?? -1_000_000), Number.MIN_SAFE_INTEGER),
        max: Math.min(Number(schema.maximum ?? 1_000_000), Number.MAX_SAFE_INTEGER),
      });
    case 'number':
      return fc.double({
        min: Number(schema.minimum ?? -1e9),
        max: Number(schema.maximum ?? 1e9),
        noNaN: true,
      });
    case 'string':
      return stringOf(schema);
    case 'array':
      return fc.array(validOf(root, (schema.items ?? {}) as Schema, known, undefined, depth + 1), {
        minLength: Number(schema.minItems ?? 0),
        maxLength: Math.min(
          Number(schema.maxItems ?? DEFAULT_MAX_ITEMS),
          Number(schema.minItems ?? 0) + DEFAULT_MAX_ITEMS,
        ),
      });
    case 'object':
      return objectOf(root, schema, known, depth);
    default:
      // `{}` (any value); objects without `type` but with properties are objects.
      return schema.properties
        ? objectOf(root, schema, known, depth)
        : fc.jsonValue({ maxDepth: Math.max(0, 2 - depth) });
  }
}
