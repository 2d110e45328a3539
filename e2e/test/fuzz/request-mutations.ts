import fc from 'fast-check';
import { build, type Context, type FuzzCase, type Parts, withBody } from './fuzz-case.js';
import {
  BAD_CONTENT_TYPES,
  BAD_JSON,
  BAD_QUERIES,
  BAD_SEGMENTS,
  FORGED_AUTHORIZATION,
  NASTY_STRINGS,
  ODD_HEADERS,
  OTHER_METHODS,
} from './nasty-values.js';
import { invalidOf } from './schema-mutations.js';
import type { Operation } from './spec-operations.js';

/** One way to break a request built from valid parts. */
export type Mutation = (operation: Operation, ctx: Context, parts: Parts) => fc.Arbitrary<FuzzCase>;

/** Mutations that apply to every operation. */
const COMMON: Record<string, Mutation> = {
  auth: (op, ctx, parts) =>
    fc.constantFrom(...FORGED_AUTHORIZATION).map((authorization) => {
      const c = build(op, ctx, { ...parts, actor: 'forged' }, 'auth');
      return { ...c, request: { ...c.request, headers: { ...c.request.headers, authorization } } };
    }),
  method: (op, ctx, parts) =>
    fc.constantFrom(...OTHER_METHODS.filter((m) => m !== op.method)).map((method) => {
      const c = build(op, ctx, parts, 'method');
      return { ...c, request: { ...c.request, method } };
    }),
  header: (op, ctx, parts) =>
    fc.constantFrom(...ODD_HEADERS).map(([name, value]) => {
      const c = build(op, ctx, parts, `header:${name}`);
      return { ...c, request: { ...c.request, headers: { ...c.request.headers, [name]: value } } };
    }),
  query: (op, ctx, parts) =>
    fc.constantFrom(...BAD_QUERIES).map((query) => {
      const c = build(op, ctx, { ...parts, query: {} }, 'query');
      return { ...c, request: { ...c.request, path: `${c.request.path.split('?')[0]}${query}` } };
    }),
  'body-on-get': (op, ctx, parts) =>
    fc
      .jsonValue({ maxDepth: 2 })
      .map((value) =>
        withBody(build(op, ctx, parts, 'body-on-get'), JSON.stringify(value), 'application/json'),
      ),
};

/** Mutations of the parameters the operation declares. */
function parameterMutations(op: Operation): Record<string, Mutation> {
  const mutations: Record<string, Mutation> = {};
  for (const p of op.parameters) {
    if (p.in === 'cookie') continue;
    mutations[`${p.in}:${p.name}`] = (operation, ctx, parts) => {
      const bad = fc.oneof(invalidOf(ctx.spec, p.schema), fc.constantFrom(...NASTY_STRINGS));
      if (p.in === 'path') {
        const raw = fc.constantFrom(...BAD_SEGMENTS).map((segment) => {
          const c = build(
            operation,
            ctx,
            { ...parts, path: { ...parts.path, [p.name]: 'PLACEHOLDER' } },
            `path:${p.name}`,
          );
          return {
            ...c,
            request: { ...c.request, path: c.request.path.replace('PLACEHOLDER', segment) },
          };
        });
        const encoded = bad.map((value) =>
          build(
            operation,
            ctx,
            { ...parts, path: { ...parts.path, [p.name]: value } },
            `path:${p.name}`,
          ),
        );
        return fc.oneof(raw, encoded);
      }
      const group = p.in === 'query' ? 'query' : 'headers';
      return bad.map((value) =>
        build(
          operation,
          ctx,
          { ...parts, [group]: { ...parts[group], [p.name]: value } },
          `${p.in}:${p.name}`,
        ),
      );
    };
  }
  return mutations;
}

/** Mutations of the request body: the value, the bytes, the media type. */
function bodyMutations(op: Operation): Record<string, Mutation> {
  const media = op.body;
  if (!media) return {};
  return {
    'body-value': (operation, ctx, parts) =>
      invalidOf(ctx.spec, media.schema, ctx.known(operation.id)).map((body) =>
        build(operation, ctx, { ...parts, body }, 'body-value'),
      ),
    'body-bytes': (operation, ctx, parts) =>
      fc
        .oneof(
          fc.constantFrom(...BAD_JSON),
          fc.nat().map((n) => {
            const text = JSON.stringify(parts.body) ?? '';
            return text.slice(0, n % Math.max(1, text.length));
          }),
        )
        .map((text) =>
          withBody(build(operation, ctx, parts, 'body-bytes'), text, 'application/json'),
        ),
    'content-type': (operation, ctx, parts) =>
      fc.option(fc.constantFrom(...BAD_CONTENT_TYPES), { nil: undefined }).map((type) => {
        const c = build(operation, ctx, parts, 'content-type');
        return withBody(c, c.request.body ?? Buffer.alloc(0), type);
      }),
    'no-body': (operation, ctx, parts) =>
      fc.boolean().map((typed) => {
        const c = build(operation, ctx, { ...parts, body: undefined }, 'no-body');
        return typed ? withBody(c, '', media.mediaType) : c;
      }),
    // Past the gateway's 1 MiB default and under it but past a service's own limit.
    'huge-body': (operation, ctx, parts) =>
      fc
        .constantFrom(200_000, 1_100_000)
        .map((size) =>
          withBody(
            build(operation, ctx, parts, 'huge-body'),
            JSON.stringify({ ...(parts.body as object), pad: 'p'.repeat(size) }),
            media.mediaType,
          ),
        ),
  };
}

/** Every mutation that applies to `operation`, by name. */
export function mutationsFor(operation: Operation): Record<string, Mutation> {
  const mutations = {
    ...COMMON,
    ...parameterMutations(operation),
    ...bodyMutations(operation),
  };
  if (operation.body) delete mutations['body-on-get'];
  return mutations;
}
