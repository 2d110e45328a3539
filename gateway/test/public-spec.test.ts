import { readFileSync } from 'node:fs';
import { specPath } from '@portico/openapi';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { parse } from 'yaml';
import {
  BROWSER_LOGIN_SCHEME,
  type JsonObject,
  loadPublicSpec,
  mergePublicSpecs,
  PUBLISHED_SPECS,
  PublicSpecError,
} from '../src/admin/public-spec.js';
import { loadGatewayConfig } from '../src/config.js';
import { matchRoute } from '../src/routing/route-table.js';
import { DEFAULT_ROUTES_FILE, loadRoutesFile } from '../src/routing/routes-file.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Operation = { method: string; path: string; operationId: unknown };

function operationsOf(document: JsonObject): Operation[] {
  return Object.entries(document.paths as Record<string, Record<string, JsonObject>>).flatMap(
    ([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        method,
        path,
        operationId: item[method]!.operationId,
      })),
  );
}

const sources = new Map(
  PUBLISHED_SPECS.map((name) => [name, parse(readFileSync(specPath(name), 'utf8')) as JsonObject]),
);
const merged = loadPublicSpec();

/** A minimal valid 3.1 document for the conflict cases. */
function doc(paths: JsonObject, components: JsonObject = {}): JsonObject {
  return { openapi: '3.1.0', info: { title: 't', version: '1' }, paths, components };
}

describe('the merged public spec', () => {
  it('when linted with Redocly recommended rules, then it is valid OpenAPI 3.1 without errors', async () => {
    const problems = await lintFromString({
      source: JSON.stringify(merged),
      absoluteRef: '/openapi.json',
      config: await createConfig({ extends: ['recommended'] }),
    });
    const errors = problems.filter((problem) => problem.severity === 'error');
    expect(errors.map((e) => `${e.ruleId}: ${e.message} at ${e.location[0]?.pointer}`)).toEqual([]);
    expect(merged.openapi).toMatch(/^3\.1\./);
  });

  it('when an operation takes a user token, then the hosted login (code + PKCE) is offered as the alternative, and nowhere else', () => {
    const schemes = (merged.components as Record<string, JsonObject>).securitySchemes!;
    expect(schemes[BROWSER_LOGIN_SCHEME]).toMatchObject({
      type: 'oauth2',
      flows: {
        authorizationCode: {
          authorizationUrl: '/api/v1/auth/authorize',
          tokenUrl: '/api/v1/auth/token',
          scopes: { openid: expect.any(String) },
        },
      },
    });
    let offered = 0;
    for (const item of Object.values(merged.paths as Record<string, JsonObject>)) {
      for (const operation of Object.values(item) as JsonObject[]) {
        const names = ((operation.security ?? []) as JsonObject[]).flatMap(Object.keys);
        expect(names.includes(BROWSER_LOGIN_SCHEME)).toBe(names.includes('bearerAuth'));
        if (names.includes('bearerAuth')) offered += 1;
      }
    }
    expect(offered).toBeGreaterThan(10);
  });

  it('when compared with the four services, then it has every public operation of each and no /internal/ path', () => {
    const expected = [...sources.values()]
      .flatMap(operationsOf)
      .filter((operation) => !operation.path.startsWith('/internal/'));
    expect(expected.length).toBeGreaterThan(10);
    expect(operationsOf(merged)).toEqual(expect.arrayContaining(expected));
    expect(operationsOf(merged)).toHaveLength(expected.length);
    expect(JSON.stringify(merged)).not.toMatch(/\/internal\//);
  });

  it('when a public path is published, then the shipped routes file routes it', () => {
    const shipped = loadRoutesFile(DEFAULT_ROUTES_FILE, loadGatewayConfig({}));
    for (const path of Object.keys(merged.paths as JsonObject)) {
      const concrete = path.replace(/\{[^}]+\}/g, 'x1');
      expect([path, matchRoute(concrete, shipped.routes) !== null]).toEqual([path, true]);
    }
  });

  it('when services define same-named components that differ, then each keeps its own, namespaced', () => {
    const schemas = (merged.components as Record<string, JsonObject>).schemas!;
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining([
        'auth.Problem',
        'user.Problem',
        'order.Problem',
        'inventory.Problem',
      ]),
    );
    const listOrders = (merged.paths as Record<string, Record<string, JsonObject>>)[
      '/api/v1/orders'
    ]!.get!;
    expect(JSON.stringify(listOrders)).toContain('#/components/responses/order.BadRequest');
  });

  it('when only internal operations use a component, then it is left out', () => {
    const components = merged.components as Record<string, JsonObject>;
    expect(Object.keys(components.schemas!)).not.toContain('auth.AccountInternal');
    // serviceToken guards only /internal/ operations; browserLogin is the gateway's own addition.
    expect(Object.keys(components.securitySchemes!)).toEqual(['bearerAuth', 'browserLogin']);
    expect((merged.tags as JsonObject[]).map((tag) => tag.name)).not.toContain('internal');
  });

  it('when served, then it names the gateway as its only server', () => {
    expect(merged.servers).toEqual([{ url: '/', description: 'This gateway' }]);
  });
});

describe('merge conflicts stop the gateway at start', () => {
  const op = (id: string, scheme = 'bearerAuth') => ({
    get: {
      operationId: id,
      security: [{ [scheme]: [] }],
      responses: { 200: { description: 'ok' } },
    },
  });
  const bearer = { type: 'http', scheme: 'bearer', description: 'one' };

  it('when two services publish the same path, then the merge throws', () => {
    const specs = new Map([
      ['auth', doc({ '/a': op('a') }, { securitySchemes: { bearerAuth: bearer } })],
      ['user', doc({ '/a': op('b') }, { securitySchemes: { bearerAuth: bearer } })],
    ] as const);
    expect(() => mergePublicSpecs(specs)).toThrow(PublicSpecError);
  });

  it('when two services reuse an operationId, then the merge throws', () => {
    const specs = new Map([
      ['auth', doc({ '/a': op('same') }, { securitySchemes: { bearerAuth: bearer } })],
      ['user', doc({ '/b': op('same') }, { securitySchemes: { bearerAuth: bearer } })],
    ] as const);
    expect(() => mergePublicSpecs(specs)).toThrow(/operationId same/);
  });

  it('when a security scheme differs beyond its description, then the merge throws', () => {
    const specs = new Map([
      ['auth', doc({ '/a': op('a') }, { securitySchemes: { bearerAuth: bearer } })],
      [
        'user',
        doc(
          { '/b': op('b') },
          { securitySchemes: { bearerAuth: { type: 'apiKey', in: 'header', name: 'x' } } },
        ),
      ],
    ] as const);
    expect(() => mergePublicSpecs(specs)).toThrow(/security scheme "bearerAuth"/);
  });

  it('when a security scheme differs only in its description, then the first one is kept', () => {
    const specs = new Map([
      ['auth', doc({ '/a': op('a') }, { securitySchemes: { bearerAuth: bearer } })],
      [
        'user',
        doc(
          { '/b': op('b') },
          { securitySchemes: { bearerAuth: { ...bearer, description: 'two' } } },
        ),
      ],
    ] as const);
    const result = mergePublicSpecs(specs);
    expect((result.components as JsonObject).securitySchemes).toEqual({ bearerAuth: bearer });
  });

  it('when a ref points outside the document, then the merge throws', () => {
    const specs = new Map([
      [
        'auth',
        doc({
          '/a': {
            get: { responses: { 200: { $ref: 'https://example.com/x.yaml#/Thing' } } },
          },
        }),
      ],
    ] as const);
    expect(() => mergePublicSpecs(specs)).toThrow(/only local component refs/);
  });
});
