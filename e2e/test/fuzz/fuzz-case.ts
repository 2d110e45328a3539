import type fc from 'fast-check';
import type { Known } from './schema-arbitrary.js';
import type { RawRequest } from './send.js';
import type { Operation, Schema } from './spec-operations.js';

export type Actor = 'user' | 'admin' | 'anonymous' | 'forged';

/** One generated request, with what it is meant to be, for the checks and the failure report. */
export type FuzzCase = {
  operation: string;
  actor: Actor;
  /** `valid`, or the name of the one mutation applied. */
  mutation: string;
  request: RawRequest;
  /** The JSON or form body as a value, when there is one. */
  body?: unknown;
};

/** What the generator needs from the running system: tokens and pools of real values. */
export type Context = {
  spec: Schema;
  tokens: { user: string; admin: string };
  /** Body property values worth using for this operation (real skus, emails…). */
  known: (operation: string) => Known;
  /** Real values for one path, query or header parameter, if any. */
  parameterPool: (operation: string, parameter: string) => fc.Arbitrary<unknown> | undefined;
};

/** What a header can carry: the UTF-8 bytes as latin1, without the control characters node refuses. */
const headerSafe = (value: string) =>
  [...Buffer.from(value, 'utf8').toString('latin1')]
    .filter((ch) => ch === '\t' || (ch >= ' ' && ch !== '\x7f'))
    .join('');

/** Percent-encodes the UTF-8 bytes, as encodeURIComponent does, but a lone surrogate goes as U+FFFD instead of throwing. */
const encodeSegment = (value: string) =>
  [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const ch = String.fromCharCode(byte);
      return /[A-Za-z0-9\-_.!~*'()]/.test(ch)
        ? ch
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

const asText = (value: unknown) =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);

/** A request's parts before encoding: who sends it, its parameters by name, its body value. */
export type Parts = {
  actor: Actor;
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
};

function encodeBody(mediaType: string, body: unknown): Buffer {
  if (
    mediaType === 'application/x-www-form-urlencoded' &&
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body)
  )
    return Buffer.from(
      new URLSearchParams(
        Object.entries(body).map(([k, v]): [string, string] => [k, asText(v)]),
      ).toString(),
    );
  return Buffer.from(JSON.stringify(body) ?? '');
}

/** Encodes the parts into the request that goes on the wire. */
export function build(
  operation: Operation,
  ctx: Context,
  parts: Parts,
  mutation: string,
): FuzzCase {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeSegment(asText(parts.path[name])),
  );
  const query = new URLSearchParams(
    Object.entries(parts.query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]): [string, string] => [k, asText(v)]),
  ).toString();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parts.headers))
    if (value !== undefined) headers[name.toLowerCase()] = headerSafe(asText(value));
  if (parts.actor === 'user' || parts.actor === 'admin')
    headers.authorization = `Bearer ${ctx.tokens[parts.actor]}`;
  const request: RawRequest = {
    method: operation.method,
    path: query ? `${path}?${query}` : path,
    headers,
  };
  if (operation.body && parts.body !== undefined) {
    request.headers['content-type'] = operation.body.mediaType;
    request.body = encodeBody(operation.body.mediaType, parts.body);
  }
  return {
    operation: operation.id,
    actor: parts.actor,
    mutation,
    request,
    ...(parts.body !== undefined && { body: parts.body }),
  };
}

/** The case with another body (or none: an empty one), sent with `contentType` (or none). */
export const withBody = (c: FuzzCase, body: string | Buffer, contentType?: string): FuzzCase => {
  const headers = { ...c.request.headers };
  delete headers['content-type'];
  if (contentType !== undefined) headers['content-type'] = contentType;
  const { body: _value, ...rest } = c;
  return { ...rest, request: { ...c.request, headers, body: Buffer.from(body) } };
};
