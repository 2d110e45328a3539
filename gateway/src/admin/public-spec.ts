import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { type ServiceSpec, specPath } from '@portico/openapi';
import { parse } from 'yaml';

type Json = null | boolean | number | string | Json[] | JsonObject;
export type JsonObject = { [key: string]: Json };

/** The services whose public operations the gateway publishes, in the order they appear. */
export const PUBLISHED_SPECS: readonly ServiceSpec[] = ['auth', 'user', 'order', 'inventory'];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const LOCAL_REF = /^#\/components\/([A-Za-z]+)\/([A-Za-z0-9._-]+)$/;

/** A merge that would publish a wrong document: the gateway refuses to start instead. */
export class PublicSpecError extends Error {
  override readonly name = 'PublicSpecError';
  readonly code = 'PUBLIC_SPEC_CONFLICT';
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const objectAt = (value: Json | undefined): JsonObject => (isObject(value) ? value : {});
const isInternal = (path: string) => path === '/internal' || path.startsWith('/internal/');

/**
 * One service's spec, copied with every component reference renamed into the
 * service's namespace (`Problem` → `order.Problem`). Copying from the public
 * paths outwards also tells which components the public operations use.
 */
class Namespaced {
  readonly used = new Map<string, Json>();
  private readonly pending: [section: string, name: string][] = [];

  constructor(
    readonly service: ServiceSpec,
    private readonly components: JsonObject,
  ) {}

  copy(node: Json): Json {
    if (Array.isArray(node)) return node.map((item) => this.copy(item));
    if (!isObject(node)) return node;
    const result: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      result[key] =
        key === '$ref' && typeof value === 'string'
          ? this.rename(value)
          : key === 'mapping' && isObject(value) // discriminator mappings hold refs as strings
            ? Object.fromEntries(
                Object.entries(value).map(([k, v]) => [
                  k,
                  typeof v === 'string' && v.startsWith('#/') ? this.rename(v) : v,
                ]),
              )
            : this.copy(value);
    }
    return result;
  }

  /** Copies every component the copied paths reach, transitively. */
  collect(): Map<string, Json> {
    for (let next = this.pending.pop(); next; next = this.pending.pop()) {
      const [section, name] = next;
      const key = `${section}/${this.service}.${name}`;
      if (this.used.has(key)) continue;
      const definition = objectAt(this.components[section])[name];
      if (definition === undefined) {
        throw new PublicSpecError(
          `${this.service}.yaml: #/components/${section}/${name} is missing`,
        );
      }
      this.used.set(key, this.copy(definition));
    }
    return this.used;
  }

  private rename(ref: string): string {
    const match = LOCAL_REF.exec(ref);
    if (!match) {
      throw new PublicSpecError(
        `${this.service}.yaml: only local component refs merge, not ${ref}`,
      );
    }
    const [, section, name] = match as unknown as [string, string, string];
    this.pending.push([section, name]);
    return `#/components/${section}/${this.service}.${name}`;
  }
}

function securityNames(requirements: Json | undefined): string[] {
  return Array.isArray(requirements) ? requirements.flatMap((r) => Object.keys(objectAt(r))) : [];
}

/** Adds `value` under `name`, or checks that what is there already is the same. */
function mergeNamed(
  into: Map<string, JsonObject>,
  name: string,
  value: JsonObject,
  what: string,
  ignored: readonly string[] = [],
): void {
  const existing = into.get(name);
  if (!existing) {
    into.set(name, value);
    return;
  }
  const strip = (o: JsonObject) =>
    Object.fromEntries(Object.entries(o).filter(([k]) => !ignored.includes(k)));
  if (!isDeepStrictEqual(strip(existing), strip(value))) {
    throw new PublicSpecError(`${what} "${name}" is defined differently by two services`);
  }
}

/**
 * Merges the services' OpenAPI 3.1 documents into the one the gateway publishes:
 * every path except `/internal/**`; the components those paths reach, each
 * namespaced by its service (`auth.Problem`, `order.Problem`) because the
 * services' same-named components legitimately differ (each 400 lists its own
 * codes); security schemes merged by name, since one token opens every service
 * (two that differ beyond their description stop the gateway at start); tags
 * that a public operation uses; one relative server, the gateway itself.
 */
export function mergePublicSpecs(documents: ReadonlyMap<ServiceSpec, JsonObject>): JsonObject {
  const paths: JsonObject = {};
  const components = new Map<string, JsonObject>();
  const schemes = new Map<string, JsonObject>();
  const tags = new Map<string, JsonObject>();
  const operationIds = new Map<string, ServiceSpec>();
  const versions = new Set<string>();

  for (const [service, document] of documents) {
    if (typeof document.openapi !== 'string' || !document.openapi.startsWith('3.1.')) {
      throw new PublicSpecError(`${service}.yaml is not OpenAPI 3.1`);
    }
    if (document.webhooks !== undefined) {
      throw new PublicSpecError(`${service}.yaml has webhooks; merging them is not supported`);
    }
    versions.add(`${service} ${String(objectAt(document.info).version)}`);
    const namespaced = new Namespaced(service, objectAt(document.components));
    const declaredTags = new Map<string, JsonObject>(
      (Array.isArray(document.tags) ? document.tags : [])
        .filter(isObject)
        .map((tag) => [String(tag.name), tag]),
    );
    const usedSchemes = new Set<string>();

    for (const [path, item] of Object.entries(objectAt(document.paths))) {
      if (isInternal(path)) continue;
      if (paths[path] !== undefined) throw new PublicSpecError(`${path} is in two services' specs`);
      const copied = namespaced.copy(item) as JsonObject;
      for (const method of HTTP_METHODS) {
        const operation = copied[method];
        if (!isObject(operation)) continue;
        // The document-wide default moves onto each operation: the merged root has none.
        if (operation.security === undefined && document.security !== undefined) {
          operation.security = structuredClone(document.security);
        }
        for (const name of securityNames(operation.security)) usedSchemes.add(name);
        const id = operation.operationId;
        if (typeof id === 'string') {
          if (operationIds.has(id)) {
            throw new PublicSpecError(
              `operationId ${id} is in ${operationIds.get(id)} and ${service}`,
            );
          }
          operationIds.set(id, service);
        }
        for (const tag of Array.isArray(operation.tags) ? operation.tags : []) {
          const name = String(tag);
          const declared = declaredTags.get(name);
          // A bare `{name}` left by a service that did not declare the tag yields to a declaration.
          if (declared && Object.keys(tags.get(name) ?? {}).length === 1) tags.delete(name);
          if (declared) mergeNamed(tags, name, declared, 'tag');
          else if (!tags.has(name)) tags.set(name, { name });
        }
      }
      paths[path] = copied;
    }

    for (const [key, value] of namespaced.collect()) components.set(key, value as JsonObject);
    const declaredSchemes = objectAt(objectAt(document.components).securitySchemes);
    for (const name of usedSchemes) {
      const scheme = declaredSchemes[name];
      if (!isObject(scheme))
        throw new PublicSpecError(`${service}.yaml: no security scheme ${name}`);
      mergeNamed(schemes, name, scheme, 'security scheme', ['description']);
    }
  }

  const merged: JsonObject = {};
  for (const [key, value] of components) {
    const [section, name] = key.split('/') as [string, string];
    merged[section] = { ...objectAt(merged[section]), [name]: value };
  }
  if (schemes.size > 0) merged.securitySchemes = Object.fromEntries(schemes);
  const sortedComponents = Object.fromEntries(
    Object.entries(merged)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([section, entries]) => [
        section,
        Object.fromEntries(
          Object.entries(objectAt(entries)).sort(([a], [b]) => a.localeCompare(b)),
        ),
      ]),
  );

  return {
    openapi: '3.1.0',
    info: {
      title: 'Portico API',
      version: [...versions].join('; '),
      description:
        'Every public operation of the Portico services, as the gateway routes them. ' +
        'Components are namespaced by the service that defines them (`order.Problem`).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This gateway' }],
    tags: [...tags.values()],
    paths,
    components: sortedComponents,
  };
}

/** The security scheme of the hosted login, as the reference page's Authorize button uses it. */
export const BROWSER_LOGIN_SCHEME = 'browserLogin';

/**
 * Offers the auth service's authorization code flow (with PKCE) wherever a
 * user's access token opens an operation: each `bearerAuth` requirement gets
 * `browserLogin` as an alternative, so Swagger UI sends the token its
 * Authorize button obtained. The URLs are relative: the gateway serves both.
 */
export function withBrowserLogin(spec: JsonObject): JsonObject {
  const components = objectAt(spec.components);
  const schemes = objectAt(components.securitySchemes);
  if (!isObject(schemes.bearerAuth)) return spec;
  const paths = objectAt(spec.paths);
  for (const item of Object.values(paths)) {
    for (const method of HTTP_METHODS) {
      const operation = objectAt(item)[method];
      if (!isObject(operation) || !Array.isArray(operation.security)) continue;
      if (!securityNames(operation.security).includes('bearerAuth')) continue;
      operation.security = [...operation.security, { [BROWSER_LOGIN_SCHEME]: [] }];
    }
  }
  schemes[BROWSER_LOGIN_SCHEME] = {
    type: 'oauth2',
    description:
      "Log in on the auth service's own page (authorization code with PKCE); the access token is a user's `bearerAuth` token.",
    flows: {
      authorizationCode: {
        authorizationUrl: '/api/v1/auth/authorize',
        tokenUrl: '/api/v1/auth/token',
        refreshUrl: '/api/v1/auth/token',
        scopes: {
          openid: 'Sign in with OpenID Connect (an ID token)',
          profile: 'Your name',
          email: 'Your email address',
        },
      },
    },
  };
  components.securitySchemes = Object.fromEntries(
    Object.entries(schemes).sort(([a], [b]) => a.localeCompare(b)),
  );
  return spec;
}

/** Reads and merges the four services' specs (synchronously: once, at start). */
export function loadPublicSpec(
  services: readonly ServiceSpec[] = PUBLISHED_SPECS,
  read: (service: ServiceSpec) => string = (service) => readFileSync(specPath(service), 'utf8'),
): JsonObject {
  const documents = new Map(services.map((service) => [service, parse(read(service))]));
  return withBrowserLogin(mergePublicSpecs(documents));
}

let published: JsonObject | undefined;

/**
 * The four services' merged spec, read on first use and kept: the files do not
 * change while the process runs, and merging them takes ~60 ms (tests build
 * many gateways).
 */
export function publishedSpec(): JsonObject {
  published ??= loadPublicSpec();
  return published;
}
