import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { DB_ERRORS } from '@portico/db';
import { undocumentedCodes } from '@portico/errors';

import { specPath } from '@portico/openapi';
import { TOKEN_AUTH_ERRORS } from '@portico/token-auth';
import { parse } from 'yaml';
import { ORDER_ERRORS } from '../src/errors.js';

const spec = parse(readFileSync(specPath('order'), 'utf8'));

describe('the error catalogue', () => {
  it.each([
    ['its own', ORDER_ERRORS],
    ['the token checks', TOKEN_AUTH_ERRORS],
    ['the cursor', DB_ERRORS],
  ])(
    'when the service answers %s codes, then order.yaml documents each on a response of its status',
    (_name, catalogue) => {
      expect(undocumentedCodes(catalogue, spec)).toEqual([]);
    },
  );
});
