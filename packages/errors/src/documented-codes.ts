import type { ErrorCatalogue, ErrorCode } from './catalogue.js';

type Response = { $ref?: string; description?: string };
type OpenApiDocument = {
  paths?: Record<string, Record<string, { responses?: Record<string, Response> } | undefined>>;
  components?: { responses?: Record<string, Response> };
};

/** A code as the specs write it in a response's description: `(code \`SKU_TAKEN\`)`. */
const CODE_IN_TEXT = /`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g;

function describe(spec: OpenApiDocument, response: Response): string {
  const name = response.$ref?.replace('#/components/responses/', '');
  return (name ? spec.components?.responses?.[name] : response)?.description ?? '';
}

/** `"409 SKU_TAKEN"` for every code a response of an operation names, with its status. */
function documented(spec: OpenApiDocument): Set<string> {
  const found = new Set<string>();
  for (const item of Object.values(spec.paths ?? {})) {
    for (const operation of Object.values(item)) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        for (const [, code] of describe(spec, response).matchAll(CODE_IN_TEXT))
          found.add(`${status} ${code}`);
      }
    }
  }
  return found;
}

/**
 * The codes of a catalogue that an OpenAPI document (parsed) does not name on
 * a response of their status: empty when the spec documents every answer.
 */
export function undocumentedCodes(catalogue: ErrorCatalogue, spec: unknown): ErrorCode[] {
  const named = documented(spec as OpenApiDocument);
  return Object.values(catalogue).filter(({ code, status }) => !named.has(`${status} ${code}`));
}
