// What breaks a client between two versions of an OpenAPI 3.1 document: used by
// breaking-changes.mjs, which runs it over every published spec.

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Request constraints that accept less when they grow (`min*`) or shrink (`max*`). */
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];

/**
 * @typedef {Record<string, any>} Node
 * @typedef {'request' | 'response'} Direction who validates: the server (request) or the client (response)
 */

/**
 * The node a local `$ref` points at (followed until it is not a ref), or the node itself.
 * @param {Node} document
 * @param {Node | undefined} node
 * @returns {Node | undefined}
 */
function resolve(document, node) {
  let current = node;
  for (let hops = 0; current?.$ref && hops < 20; hops += 1) {
    const pointer = String(current.$ref).replace(/^#\//, '').split('/');
    current = pointer.reduce(
      (at, part) => at?.[part.replaceAll('~1', '/').replaceAll('~0', '~')],
      document,
    );
  }
  return current;
}

/** @param {Node} schema @returns {Set<string> | undefined} undefined: any type */
function typesOf(schema) {
  if (schema.type === undefined) return undefined;
  const types = new Set(Array.isArray(schema.type) ? schema.type : [schema.type]);
  // Every integer is a number: a number schema accepts what an integer schema did.
  if (types.has('number')) types.add('integer');
  return types;
}

/** @param {Node} schema @returns {unknown[] | undefined} */
const valuesOf = (schema) => (schema.const !== undefined ? [schema.const] : schema.enum);

/** @param {Set<string> | unknown[] | undefined} some @param {Set<string> | unknown[] | undefined} all */
const within = (some, all) =>
  all === undefined || (some !== undefined && [...some].every((v) => [...all].includes(v)));

/**
 * Compares what a schema allows before and after. A request schema may only
 * accept more (the server refuses what it no longer takes); a response schema
 * may only promise more (a client relies on every field and value it was shown).
 */
class SchemaDiff {
  /** @param {Node} before @param {Node} after @param {(where: string, what: string) => void} report */
  constructor(before, after, report) {
    this.documents = { before, after };
    this.report = report;
    /** @type {Set<string>} pairs of refs already compared: recursive schemas end */
    this.seen = new Set();
  }

  /** @param {Node | undefined} rawBefore @param {Node | undefined} rawAfter @param {Direction} direction @param {string} where */
  compare(rawBefore, rawAfter, direction, where) {
    const pair = `${rawBefore?.$ref}|${rawAfter?.$ref}|${direction}`;
    if (rawBefore?.$ref && rawAfter?.$ref) {
      if (this.seen.has(pair)) return;
      this.seen.add(pair);
    }
    const before = resolve(this.documents.before, rawBefore) ?? {};
    const after = resolve(this.documents.after, rawAfter) ?? {};
    const [wider, narrower] = direction === 'request' ? [after, before] : [before, after];
    // Request: the new schema must take every type the old one took; response: promise no new one.
    if (!within(typesOf(narrower), typesOf(wider))) {
      this.report(
        where,
        `type ${JSON.stringify(before.type)} became ${JSON.stringify(after.type)}`,
      );
    }
    if (!within(valuesOf(narrower), valuesOf(wider))) {
      this.report(
        where,
        direction === 'request'
          ? `accepts fewer values (${JSON.stringify(valuesOf(before) ?? 'any')} → ${JSON.stringify(valuesOf(after))})`
          : `may answer new values (${JSON.stringify(valuesOf(before))} → ${JSON.stringify(valuesOf(after) ?? 'any')})`,
      );
    }
    if (direction === 'request') this.compareBounds(before, after, where);
    this.compareProperties(before, after, direction, where);
    if (before.items || after.items)
      this.compare(before.items, after.items, direction, `${where}[]`);
  }

  /** @param {Node} before @param {Node} after @param {string} where */
  compareBounds(before, after, where) {
    for (const key of LOWER_BOUNDS) {
      if (after[key] !== undefined && !(after[key] <= before[key])) {
        this.report(where, `${key} ${before[key] ?? 'none'} → ${after[key]}`);
      }
    }
    for (const key of UPPER_BOUNDS) {
      if (after[key] !== undefined && !(after[key] >= before[key])) {
        this.report(where, `${key} ${before[key] ?? 'none'} → ${after[key]}`);
      }
    }
    if (after.pattern !== undefined && after.pattern !== before.pattern) {
      this.report(where, `pattern ${before.pattern ?? 'none'} → ${after.pattern}`);
    }
  }

  /** @param {Node} before @param {Node} after @param {Direction} direction @param {string} where */
  compareProperties(before, after, direction, where) {
    const was = before.properties ?? {};
    const is = after.properties ?? {};
    const wasRequired = new Set(before.required ?? []);
    const isRequired = new Set(after.required ?? []);
    for (const name of Object.keys(was)) {
      if (!(name in is)) {
        // A request field the server now refuses, or a response field clients read.
        if (direction === 'response' || after.additionalProperties === false) {
          this.report(`${where}.${name}`, 'removed');
        }
        continue;
      }
      if (direction === 'response' && wasRequired.has(name) && !isRequired.has(name)) {
        this.report(`${where}.${name}`, 'is no longer always present');
      }
      this.compare(was[name], is[name], direction, `${where}.${name}`);
    }
    if (direction === 'request') {
      for (const name of isRequired) {
        if (!wasRequired.has(name)) this.report(`${where}.${name}`, 'is newly required');
      }
    }
  }
}

/**
 * Every breaking change from `before` (a published spec) to `after`, as
 * `METHOD /path where: what` lines.
 * @param {Node} before
 * @param {Node} after
 * @returns {string[]}
 */
export function breakingChanges(before, after) {
  /** @type {string[]} */
  const problems = [];
  /** @param {string} where @param {string} what */
  const report = (where, what) => problems.push(`${where}: ${what}`);
  const schemas = new SchemaDiff(before, after, report);

  for (const [path, beforeItem] of Object.entries(before.paths ?? {})) {
    const afterItem = after.paths?.[path];
    if (!afterItem) {
      report(path, 'path removed');
      continue;
    }
    for (const method of METHODS.filter((m) => beforeItem[m])) {
      const op = `${method.toUpperCase()} ${path}`;
      const was = beforeItem[method];
      const is = afterItem[method];
      if (!is) {
        report(op, 'operation removed');
        continue;
      }
      compareParameters(before, after, [beforeItem, was], [afterItem, is], op, schemas, report);
      compareRequestBody(before, after, was, is, op, schemas, report);
      compareResponses(before, after, was, is, op, schemas, report);
    }
  }
  return problems;
}

/**
 * @param {Node} before @param {Node} after
 * @param {Node[]} wasLevels the path item and the operation (both may declare parameters)
 * @param {Node[]} isLevels
 * @param {string} op @param {SchemaDiff} schemas @param {(where: string, what: string) => void} report
 */
function compareParameters(before, after, wasLevels, isLevels, op, schemas, report) {
  /** @param {Node} document @param {Node[]} levels @returns {Map<string, Node>} */
  const byKey = (document, levels) =>
    new Map(
      levels
        .flatMap((level) => level.parameters ?? [])
        .map((p) => resolve(document, p) ?? {})
        .map((p) => [`${p.in} ${String(p.in === 'header' ? p.name.toLowerCase() : p.name)}`, p]),
    );
  const was = byKey(before, wasLevels);
  const is = byKey(after, isLevels);
  for (const [key, param] of was) {
    const now = is.get(key);
    // Unknown query parameters are refused (400), so a dropped one breaks its senders.
    if (!now) report(`${op} ${key}`, 'parameter removed');
    else {
      if (now.required && !param.required) report(`${op} ${key}`, 'parameter is newly required');
      schemas.compare(param.schema, now.schema, 'request', `${op} ${key}`);
    }
  }
  for (const [key, param] of is) {
    if (!was.has(key) && param.required) report(`${op} ${key}`, 'new required parameter');
  }
}

/** @param {Node} before @param {Node} after @param {Node} was @param {Node} is @param {string} op @param {SchemaDiff} schemas @param {(where: string, what: string) => void} report */
function compareRequestBody(before, after, was, is, op, schemas, report) {
  const wasBody = resolve(before, was.requestBody);
  const isBody = resolve(after, is.requestBody);
  if (isBody?.required && !wasBody?.required) report(`${op} body`, 'is newly required');
  for (const [mediaType, content] of Object.entries(wasBody?.content ?? {})) {
    const now = isBody?.content?.[mediaType];
    if (!now) report(`${op} body ${mediaType}`, 'no longer accepted');
    else schemas.compare(content.schema, now.schema, 'request', `${op} body`);
  }
}

/** @param {Node} before @param {Node} after @param {Node} was @param {Node} is @param {string} op @param {SchemaDiff} schemas @param {(where: string, what: string) => void} report */
function compareResponses(before, after, was, is, op, schemas, report) {
  for (const [status, rawResponse] of Object.entries(was.responses ?? {})) {
    const response = resolve(before, rawResponse) ?? {};
    const now = resolve(after, is.responses?.[status]);
    if (!now) {
      // Clients build on the success answers; an error status they treat as any error.
      if (/^[23]/.test(status)) report(`${op} ${status}`, 'response removed');
      continue;
    }
    for (const [mediaType, content] of Object.entries(response.content ?? {})) {
      const nowContent = now.content?.[mediaType];
      if (!nowContent) report(`${op} ${status} ${mediaType}`, 'no longer answered');
      else schemas.compare(content.schema, nowContent.schema, 'response', `${op} ${status} body`);
    }
  }
}
