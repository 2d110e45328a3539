import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { DB_ERRORS } from '@portico/db';
import { undocumentedCodes } from '@portico/errors';
import { HTTP_CLIENT_ERRORS } from '@portico/http-client';
import { specPath } from '@portico/openapi';
import { TOKEN_AUTH_ERRORS } from '@portico/token-auth';
import { parse } from 'yaml';
import { USER_ERRORS } from '../src/errors.js';

const spec = parse(readFileSync(specPath('user'), 'utf8'));

describe('the error catalogue', () => {
  it.each([
    ['its own', USER_ERRORS],
    ['the token checks', TOKEN_AUTH_ERRORS],
    ['the cursor', DB_ERRORS],
    ['the auth service client', HTTP_CLIENT_ERRORS],
  ])(
    'when the service answers %s codes, then user.yaml documents each on a response of its status',
    (_name, catalogue) => {
      expect(undocumentedCodes(catalogue, spec)).toEqual([]);
    },
  );
});
