import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { COMMON_ERRORS } from '@portico/errors';
import { TOKEN_AUTH_ERRORS } from '@portico/token-auth';
import { GATEWAY_ERRORS } from '../src/errors.js';

/** `"502 UPSTREAM_UNAVAILABLE"` per row of the README's table of the errors the gateway writes itself. */
function readmeRows(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Errors the gateway writes itself')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\| (\d{3}) +\| `([A-Z_]+)`/gm)].map(
    ([, status, code]) => `${status} ${code}`,
  );
}

const rowOf = ({ code, status }: { code: string; status: number }) => `${status} ${code}`;

describe('the error catalogue', () => {
  const rows = readmeRows();

  it('when the gateway has a code of its own, then the README lists it with its status', () => {
    const missing = Object.values(GATEWAY_ERRORS)
      .map(rowOf)
      .filter((row) => !rows.includes(row));

    expect(missing).toEqual([]);
  });

  it('when the README lists a code, then a catalogue has it with that status', () => {
    const known = [GATEWAY_ERRORS, TOKEN_AUTH_ERRORS, COMMON_ERRORS].flatMap((catalogue) =>
      Object.values(catalogue).map(rowOf),
    );

    expect(rows.length).toBeGreaterThan(Object.keys(GATEWAY_ERRORS).length);
    expect(rows.filter((row) => !known.includes(row))).toEqual([]);
  });
});
