import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContract } from '../support/spec-contract.js';

const problem = JSON.stringify({
  type: 'urn:portico:problem:not-found',
  title: 'Not Found',
  status: 404,
  detail: 'No such product.',
  code: 'PRODUCT_NOT_FOUND',
});
const json = 'application/json; charset=utf-8';

// The contract suites are only as strict as this check: prove it refuses what it must.
describe('the contract check', () => {
  const contract = loadContract('inventory');
  const GET = 'GET /api/v1/inventory/products/{sku}';

  it('when a response matches its documented status, media type and schema, then it passes and is recorded', () => {
    const product = { sku: 'SKU-1', name: 'A', priceCents: 1, available: 2, reserved: 0 };
    contract.check(GET, { status: 200, contentType: json, text: JSON.stringify(product) });
    contract.check(GET, { status: 404, contentType: 'application/problem+json', text: problem });
    expect(contract.unexercised()).not.toContain(GET);
    expect(contract.statusCoverage()).toContainEqual({ key: GET, status: '404', exercised: true });
  });

  it('when a body breaks the schema, then the check names each violation', () => {
    const text = JSON.stringify({
      sku: 'SKU-1',
      name: 'A',
      priceCents: -1,
      available: 2,
      extra: 1,
    });
    const message = (() => {
      try {
        contract.check(GET, { status: 200, contentType: json, text });
      } catch (error) {
        return (error as Error).message;
      }
      return 'passed';
    })();
    expect(message).toContain("body must have required property 'reserved'");
    expect(message).toContain('body/priceCents must be >= 0');
    expect(message).toContain('body must NOT have additional properties');
  });

  it('when the status or media type is not documented, or a body comes where none is, then the check fails', () => {
    expect(() => contract.check(GET, { status: 500, contentType: json, text: '{}' })).toThrow(
      /status 500 is not documented/,
    );
    expect(() => contract.check(GET, { status: 404, contentType: json, text: problem })).toThrow(
      /media type "application\/json" is not documented/,
    );
    const auth = loadContract('auth');
    expect(() =>
      auth.check('POST /api/v1/auth/logout', { status: 204, contentType: json, text: '{}' }),
    ).toThrow(/documents none/);
  });

  it('when a case names an operation the spec lacks, then the check fails', () => {
    expect(() =>
      contract.check('GET /api/v1/nothing', { status: 200, contentType: null, text: '' }),
    ).toThrow(/has no operation/);
  });

  it('when a spec is added to openapi/, then it has a contract suite here (or CI fails)', () => {
    const specs = readdirSync(fileURLToPath(new URL('../../../openapi/', import.meta.url)))
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => basename(file, '.yaml'));
    expect(specs.length).toBeGreaterThan(0);
    const missing = specs.filter(
      (spec) => !existsSync(fileURLToPath(new URL(`./${spec}.test.ts`, import.meta.url))),
    );
    expect(missing).toEqual([]);
  });
});
