/** The public operations of the merged spec the gateway serves at /openapi.json, refs resolved. */

export type Schema = { [key: string]: unknown };

export type Parameter = {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
};

export type Operation = {
  id: string;
  method: string;
  /** The path template, e.g. `/api/v1/orders/{id}`. */
  path: string;
  parameters: Parameter[];
  /** The documented body, if any: its media type and schema. */
  body?: { mediaType: string; schema: Schema; required: boolean };
  /** No security requirement, or an empty one among them: anonymous callers are allowed. */
  anonymous: boolean;
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Resolves a local JSON pointer (`#/components/schemas/order.NewOrder`) in `root`. */
export function resolvePointer(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only local refs are supported: ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = isObject(node) ? node[token] : undefined;
  }
  if (!isObject(node)) throw new Error(`unresolved ref ${ref}`);
  return node;
}

/** Follows `$ref` until the node is not a reference. */
export function deref(root: Schema, node: Schema): Schema {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string'; hops += 1) {
    if (hops > 32) throw new Error(`ref cycle at ${String(current.$ref)}`);
    current = resolvePointer(root, current.$ref);
  }
  return current;
}

/** Every operation of the spec's `paths` (the merged spec holds only public ones). */
export function operationsOf(spec: Schema): Operation[] {
  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries(isObject(spec.paths) ? spec.paths : {})) {
    const item = deref(spec, rawItem as Schema);
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const declared = [
        ...shared,
        ...(Array.isArray(operation.parameters) ? operation.parameters : []),
      ];
      const parameters = declared.map((p) => {
        const parameter = deref(spec, p as Schema);
        return {
          name: String(parameter.name),
          in: parameter.in as Parameter['in'],
          required: parameter.required === true,
          schema: isObject(parameter.schema) ? parameter.schema : {},
        };
      });
      const security = Array.isArray(operation.security) ? operation.security : [];
      const requestBody = isObject(operation.requestBody)
        ? deref(spec, operation.requestBody)
        : undefined;
      const content = isObject(requestBody?.content) ? requestBody.content : {};
      const [mediaType, media] = Object.entries(content)[0] ?? [];
      operations.push({
        id: String(operation.operationId ?? `${method} ${path}`),
        method: method.toUpperCase(),
        path,
        parameters,
        ...(mediaType &&
          isObject(media) && {
            body: {
              mediaType,
              schema: isObject(media.schema) ? media.schema : {},
              required: requestBody?.required === true,
            },
          }),
        anonymous:
          security.length === 0 || security.some((r) => isObject(r) && Object.keys(r).length === 0),
      });
    }
  }
  return operations;
}
