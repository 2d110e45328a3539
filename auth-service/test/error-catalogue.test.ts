import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { errorCatalogue, undocumentedCodes } from '@portico/errors';
import { specPath } from '@portico/openapi';
import { TOKEN_AUTH_ERRORS } from '@portico/token-auth';
import { parse } from 'yaml';
import { AUTH_ERRORS } from '../src/errors.js';
import { OAuthError } from '../src/oauth/oauth-errors.js';

const spec = parse(readFileSync(specPath('auth'), 'utf8'));

// The auth service verifies tokens with its own key ring, never a fetched key set.
const { AUTH_KEYS_UNAVAILABLE: _fetchedKeysOnly, ...tokenChecks } = TOKEN_AUTH_ERRORS;

describe('the error catalogue', () => {
  it.each([
    ['its own', AUTH_ERRORS],
    ['the token checks', errorCatalogue(tokenChecks)],
  ])(
    'when the service answers %s codes, then auth.yaml documents each on a response of its status',
    (_name, catalogue) => {
      expect(undocumentedCodes(catalogue, spec)).toEqual([]);
    },
  );

  it.each([
    [400, 'invalid_request'],
    [400, 'invalid_grant'],
    [400, 'unsupported_grant_type'],
    [400, 'unsupported_token_type'],
    [401, 'invalid_client'],
  ] as const)(
    'when an OAuthError %i %s is thrown, then its code is in the catalogue with that status',
    (status, error) => {
      const { code } = new OAuthError(status, error, 'Refused.');

      expect(AUTH_ERRORS[code as keyof typeof AUTH_ERRORS]?.status).toBe(status);
    },
  );
});
