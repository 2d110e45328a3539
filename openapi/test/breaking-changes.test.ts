import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

const run = promisify(execFile);
const SCRIPT = resolve(import.meta.dirname, '..', 'scripts', 'breaking-changes.mjs');

// biome-ignore lint/suspicious/noExplicitAny: each case edits the spec document freely.
type Spec = Record<string, any>;

/** A published spec: one list operation with a query parameter, a request body and a page. */
const published = (): Spec => ({
  openapi: '3.1.0',
  info: { title: 'shop', version: '1.0.0' },
  paths: {
    '/api/v1/things': {
      get: {
        operationId: 'listThings',
        parameters: [{ $ref: '#/components/parameters/Limit' }],
        responses: {
          '200': {
            description: 'A page.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Page' } } },
          },
        },
      },
      post: {
        operationId: 'addThing',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/NewThing' } } },
        },
        responses: { '201': { description: 'Added.' } },
      },
    },
  },
  components: {
    parameters: {
      Limit: { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 100 } },
    },
    schemas: {
      Page: {
        type: 'object',
        required: ['items', 'next'],
        properties: {
          items: { type: 'array', items: { $ref: '#/components/schemas/Thing' } },
          next: { type: ['string', 'null'] },
        },
      },
      Thing: {
        type: 'object',
        required: ['id', 'colour'],
        properties: { id: { type: 'string' }, colour: { enum: ['red', 'blue'] } },
      },
      NewThing: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', maxLength: 50 },
          colour: { enum: ['red', 'blue'] },
        },
      },
    },
  },
});

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the check of `changed` against the published spec: its exit code and what it printed. */
async function check(change: (spec: Spec) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'portico-breaking-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'published'));
  writeFileSync(join(dir, 'published', 'shop.yaml'), stringify(published()));
  const changed = published();
  change(changed);
  writeFileSync(join(dir, 'shop.yaml'), stringify(changed));
  const args = [SCRIPT, '--published', join(dir, 'published'), '--current', dir];
  try {
    const { stdout } = await run(process.execPath, args);
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, output: failed.stderr };
  }
}

const thing = (spec: Spec) => spec.components.schemas.Thing;
const newThing = (spec: Spec) => spec.components.schemas.NewThing;

describe('the breaking-change check (openapi/scripts/breaking-changes.mjs, spec-diff.mjs)', () => {
  it('when a spec only grows (a new path, an optional field and parameter, a wider request enum and limit), then it passes', async () => {
    const result = await check((spec) => {
      spec.paths['/api/v2/things'] = spec.paths['/api/v1/things'];
      thing(spec).properties.size = { type: 'integer' };
      newThing(spec).properties.note = { type: 'string' };
      newThing(spec).properties.colour.enum.push('green');
      spec.components.parameters.Limit.schema.maximum = 500;
      spec.paths['/api/v1/things'].get.parameters.push({
        name: 'q',
        in: 'query',
        schema: { type: 'string' },
      });
    });

    expect(result).toEqual({ code: 0, output: 'no breaking changes against shop.yaml\n' });
  });

  it.each<[string, (spec: Spec) => void, string]>([
    [
      'a response field is removed',
      (spec) => delete thing(spec).properties.colour,
      'shop.yaml: GET /api/v1/things 200 body.items[].colour: removed',
    ],
    [
      'a request field becomes required',
      (spec) => newThing(spec).required.push('colour'),
      'shop.yaml: POST /api/v1/things body.colour: is newly required',
    ],
    [
      'a request enum is narrowed',
      (spec) => newThing(spec).properties.colour.enum.pop(),
      'shop.yaml: POST /api/v1/things body.colour: accepts fewer values (["red","blue"] → ["red"])',
    ],
    [
      'a response field changes type',
      (spec) => (thing(spec).properties.id.type = 'integer'),
      'shop.yaml: GET /api/v1/things 200 body.items[].id: type "string" became "integer"',
    ],
    [
      'a response enum gains a value',
      (spec) => thing(spec).properties.colour.enum.push('green'),
      'shop.yaml: GET /api/v1/things 200 body.items[].colour: may answer new values (["red","blue"] → ["red","blue","green"])',
    ],
    [
      'a request limit shrinks',
      (spec) => (newThing(spec).properties.name.maxLength = 20),
      'shop.yaml: POST /api/v1/things body.name: maxLength 50 → 20',
    ],
    [
      'an operation is removed',
      (spec) => delete spec.paths['/api/v1/things'].post,
      'shop.yaml: POST /api/v1/things: operation removed',
    ],
    [
      'a required parameter is added',
      (spec) =>
        spec.paths['/api/v1/things'].get.parameters.push({
          name: 'X-Tenant',
          in: 'header',
          required: true,
          schema: { type: 'string' },
        }),
      'shop.yaml: GET /api/v1/things header x-tenant: new required parameter',
    ],
  ])('when %s, then it fails and names the change', async (_, change, line) => {
    const result = await check(change);

    expect(result.code).toBe(1);
    expect(result.output.split('\n')[0]).toBe(line);
  });

  it("when the repository's specs are checked against openapi/published, then they pass", async () => {
    const { stdout } = await run(process.execPath, [SCRIPT]);

    expect(stdout).toMatch(/^no breaking changes against auth\.yaml, inventory\.yaml, order\.yaml/);
  });
});
