import { BadRequestError, COMMON_ERRORS } from '@portico/errors';
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';

/**
 * The validator coerces path and query parameters with ajv, which turns
 * `limit=1e309` into Infinity and then skips `minimum`/`maximum` (found by the
 * fuzzer, issue 7): the handler's SQL `LIMIT Infinity` was a 500. A number
 * the coercion made must be finite.
 */
const refuseNonFiniteParameters: RequestHandler = (req, _res, next) => {
  for (const [where, values] of [
    ['query', req.query],
    ['path', req.params],
  ] as const) {
    for (const [name, value] of Object.entries(values ?? {})) {
      const numbers = Array.isArray(value) ? value : [value];
      if (numbers.some((n) => typeof n === 'number' && !Number.isFinite(n)))
        throw new BadRequestError(
          `/${where}/${name}: must be a finite number`,
          COMMON_ERRORS.VALIDATION_FAILED.code,
        );
    }
  }
  next();
};

/** The first string in `value` (searched without recursion: a body may nest deeply) that holds U+0000, as a path. */
function nulPath(value: unknown, at: string): string | undefined {
  const stack: [unknown, string][] = [[value, at]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, path] = next;
    if (typeof node === 'string' && node.includes('\u0000')) return path;
    if (typeof node === 'object' && node !== null)
      for (const [key, child] of Object.entries(node)) stack.push([child, `${path}/${key}`]);
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold U+0000, so a name with one was a 500 in
 * production mode and stored in embedded mode (found by the fuzzer, issue 7).
 * No field of ours means anything by it: refuse it everywhere, in both modes.
 */
const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  const path =
    nulPath(req.body, '/body') ?? nulPath(req.query, '/query') ?? nulPath(req.params, '/path');
  if (path)
    throw new BadRequestError(
      `${path}: must not contain U+0000`,
      COMMON_ERRORS.VALIDATION_FAILED.code,
    );
  next();
};

const HEAD = Symbol('portico.head-request');
type MaybeHead = Parameters<RequestHandler>[0] & { [HEAD]?: true };

/**
 * The specs document GET, and HTTP gives every GET a HEAD (RFC 9110 §9.3.2),
 * which the validator would refuse as an undocumented method (405): it checks
 * a HEAD as the GET it is, and the handler then answers it as express does,
 * headers only (node drops the body of any answer to a HEAD).
 */
const headAsGet: RequestHandler = (req: MaybeHead, _res, next) => {
  if (req.method === 'HEAD') {
    req.method = 'GET';
    req[HEAD] = true;
  }
  next();
};
const headAgain: RequestHandler = (req: MaybeHead, _res, next) => {
  if (req[HEAD]) req.method = 'HEAD';
  next();
};

/**
 * Validates requests against the service's OpenAPI document (the source of
 * truth): unknown fields, wrong types, missing fields, bad formats and
 * undocumented routes are refused with problems before any handler runs.
 * With `validateResponses`, a response that breaks the spec becomes a 500 (tests turn it on).
 */
export function validateAgainstSpec(
  specPath: string,
  options: { validateResponses?: boolean } = {},
): RequestHandler[] {
  const validators = OpenApiValidator.middleware({
    apiSpec: specPath,
    // No coercion: a number where the spec says string is refused, not turned into text
    // (path and query parameters are still converted from strings, as they must be).
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
    validateResponses: options.validateResponses ?? false,
    validateSecurity: false,
    validateFormats: true,
  }) as RequestHandler[];
  return [headAsGet, ...validators, headAgain, refuseNonFiniteParameters, refuseNulCharacters];
}
