import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';

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
  return OpenApiValidator.middleware({
    apiSpec: specPath,
    // No coercion: a number where the spec says string is refused, not turned into text
    // (path and query parameters are still converted from strings, as they must be).
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
    validateResponses: options.validateResponses ?? false,
    validateSecurity: false,
    validateFormats: true,
  }) as RequestHandler[];
}
