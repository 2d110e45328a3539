import { readFileSync } from 'node:fs';
import { type ServiceSpec, specPath } from '@portico/openapi';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { parse } from 'yaml';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** One operation of a spec, keyed `METHOD /path/{template}`. */
export type Operation = { key: string; operationId: string; statuses: string[] };

/** What came back from one call, as the contract sees it. */
export type Observed = { status: number; contentType: string | null; text: string };

type ResponseObject = {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
};

// A JSON Pointer segment (RFC 6901): `/` and `~` are escaped.
const pointer = (...segments: string[]) =>
  segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/**
 * One service's OpenAPI document as a contract: its operations, a check of a
 * real response against the status, media type and schema the operation
 * documents (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses, formats on), and a
 * record of which (method, path template, status) triples calls exercised.
 */
export function loadContract(service: ServiceSpec) {
  const document = parse(readFileSync(specPath(service), 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  formats.default(ajv);
  // The whole document is one schema resource, so `#/components/...` refs resolve inside it.
  const id = `urn:portico:spec:${service}`;
  ajv.addSchema({ ...document, $id: id });

  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, unknown>>(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as { operationId: string; responses: object } | undefined;
      if (op) {
        operations.push({
          key: `${method.toUpperCase()} ${path}`,
          operationId: op.operationId,
          statuses: Object.keys(op.responses),
        });
      }
    }
  }
  const byKey = new Map(operations.map((op) => [op.key, op]));
  const exercised = new Map<string, Set<number>>();
  const validators = new Map<string, ValidateFunction>();

  /** The response object for a status (following a `#/components/responses/` ref), and where it is. */
  function responseFor(key: string, status: string): { at: string; response: ResponseObject } {
    const [method, path] = key.split(' ') as [string, string];
    let at = pointer('paths', path, method.toLowerCase(), 'responses', status);
    let response = document.paths[path][method.toLowerCase()].responses[status] as ResponseObject;
    if (response.$ref) {
      at = response.$ref.slice(2);
      response = at.split('/').reduce((node, part) => node[part.replaceAll('~1', '/')], document);
    }
    return { at, response };
  }

  function validatorFor(at: string, mediaType: string): ValidateFunction {
    const ref = `${id}#/${at}/${pointer('content', mediaType, 'schema')}`;
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    return validate;
  }

  /** Why `observed` breaks what the operation documents; empty when it conforms. */
  function violations(key: string, observed: Observed): string[] {
    const op = byKey.get(key)!;
    const status = String(observed.status);
    if (!op.statuses.includes(status)) {
      return [`status ${status} is not documented (documented: ${op.statuses.join(', ')})`];
    }
    const { at, response } = responseFor(key, status);
    const documented = Object.keys(response.content ?? {});
    if (documented.length === 0) {
      return observed.text === '' ? [] : ['a body was sent where the spec documents none'];
    }
    const mediaType = (observed.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (!documented.includes(mediaType)) {
      return [`media type "${mediaType}" is not documented (documented: ${documented.join(', ')})`];
    }
    // A page (the hosted login's text/html) is checked as the string it is.
    if (!mediaType.endsWith('json')) {
      const validate = validatorFor(at, mediaType);
      return validate(observed.text) ? [] : [`the ${mediaType} body breaks its schema`];
    }
    let body: unknown;
    try {
      body = JSON.parse(observed.text);
    } catch {
      return ['the body is not JSON'];
    }
    const validate = validatorFor(at, mediaType);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`);
  }

  return {
    service,
    operations,
    /**
     * Records the call and throws, naming every violation, unless the response
     * is one the operation documents. `key` must name an operation of the spec.
     */
    check(key: string, observed: Observed): void {
      if (!byKey.has(key)) throw new Error(`${service}.yaml has no operation ${key}`);
      const statuses = exercised.get(key) ?? new Set<number>();
      statuses.add(observed.status);
      exercised.set(key, statuses);
      const found = violations(key, observed);
      if (found.length > 0) {
        throw new Error(
          `${service}.yaml ${key} answered ${observed.status} against its contract:\n  ` +
            `${found.join('\n  ')}\n  body: ${observed.text.slice(0, 500)}`,
        );
      }
    },
    /** Operations no call has exercised yet. */
    unexercised: (): string[] =>
      operations.filter((op) => !exercised.has(op.key)).map((op) => op.key),
    /** Every documented (operation, status) pair, and whether a call produced it. */
    statusCoverage: () =>
      operations.flatMap((op) =>
        op.statuses.map((status) => ({
          key: op.key,
          status,
          exercised: exercised.get(op.key)?.has(Number(status)) ?? false,
        })),
      ),
  };
}

export type Contract = ReturnType<typeof loadContract>;
