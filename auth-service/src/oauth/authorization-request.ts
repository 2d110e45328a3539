import type { OAuthClient, OAuthClients } from './clients.js';

/** What the login page carries from `GET /authorize` to the form's POST (signed, see login-requests.ts). */
export type AuthorizationRequest = {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: readonly string[];
  state?: string | undefined;
  nonce?: string | undefined;
};

/** RFC 6749 §4.1.2.1 and OpenID Connect Core §3.1.2.6 error codes sent back to the client. */
export type AuthorizationErrorCode =
  | 'invalid_request'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'login_required'
  | 'request_not_supported'
  | 'request_uri_not_supported';

export type CheckedAuthorization =
  /** The client or its redirect_uri cannot be trusted: an error page, never a redirect (RFC 6749 §4.1.2.1). */
  | { outcome: 'refuse'; message: string }
  | {
      outcome: 'error';
      redirectUri: string;
      state?: string | undefined;
      error: AuthorizationErrorCode;
      description: string;
    }
  | { outcome: 'login'; client: OAuthClient; request: AuthorizationRequest };

/** base64url(SHA-256(verifier)) is 43 characters (RFC 7636 §4.2). */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** Bounds that keep the signed request inside the form the gateway reads (4 KiB with the password). */
const MAX_STATE = 500;
const MAX_NONCE = 255;

type Query = Record<string, unknown>;

/** The parameters read past the client check; each may be given once. */
const SINGLE_PARAMETERS = [
  'response_type',
  'response_mode',
  'code_challenge',
  'code_challenge_method',
  'scope',
  'state',
  'nonce',
  'prompt',
];

/** A parameter given once as a string; a repeated one (RFC 6749 §3.1: MUST NOT) is `null`. */
function single(query: Query, name: string): string | undefined | null {
  const value = query[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * Checks an authorization request in the order RFC 6749 §4.1.2.1 demands:
 * first the client and the exact redirect_uri (OAuth 2.1 §2.3.1: simple
 * string comparison), and only once both are trusted, everything else, whose
 * errors go back to the client.
 */
export function checkAuthorizationRequest(
  query: Query,
  clients: OAuthClients,
): CheckedAuthorization {
  const clientId = single(query, 'client_id');
  const client = clientId ? clients.get(clientId) : undefined;
  if (!client) return { outcome: 'refuse', message: 'The application is not registered here.' };
  const redirectUri = single(query, 'redirect_uri');
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    return {
      outcome: 'refuse',
      message: 'The application asked to return to an address it has not registered.',
    };
  }

  const state = single(query, 'state');
  const fail = (error: AuthorizationErrorCode, description: string): CheckedAuthorization => ({
    outcome: 'error',
    redirectUri,
    state: typeof state === 'string' && state.length <= MAX_STATE ? state : undefined,
    error,
    description,
  });
  const repeated = SINGLE_PARAMETERS.find((name) => single(query, name) === null);
  if (repeated) return fail('invalid_request', `${repeated} is given more than once.`);
  if (state !== undefined && state !== null && state.length > MAX_STATE)
    return fail('invalid_request', `state is longer than ${MAX_STATE} characters.`);
  if (query.request !== undefined)
    return fail('request_not_supported', 'Request objects are not supported.');
  if (query.request_uri !== undefined)
    return fail('request_uri_not_supported', 'request_uri is not supported.');

  const responseType = single(query, 'response_type');
  if (!responseType) return fail('invalid_request', 'response_type is required.');
  if (responseType !== 'code')
    return fail('unsupported_response_type', 'Only response_type=code is supported.');
  const responseMode = single(query, 'response_mode');
  if (responseMode !== undefined && responseMode !== 'query')
    return fail('invalid_request', 'Only response_mode=query is supported.');

  const challenge = single(query, 'code_challenge');
  const method = single(query, 'code_challenge_method');
  if (!challenge || method !== 'S256')
    return fail(
      'invalid_request',
      'PKCE is required: code_challenge with code_challenge_method=S256.',
    );
  if (!S256_CHALLENGE.test(challenge))
    return fail('invalid_request', 'code_challenge must be 43 base64url characters (S256).');

  const scope = (single(query, 'scope') ?? '').split(' ').filter(Boolean);
  if (scope.some((s) => !client.scopes.includes(s)))
    return fail('invalid_scope', `This application may ask for: ${client.scopes.join(' ')}.`);

  const nonce = single(query, 'nonce') ?? undefined;
  if (nonce !== undefined && nonce.length > MAX_NONCE)
    return fail('invalid_request', `nonce is longer than ${MAX_NONCE} characters.`);
  // No single sign-on session exists: every authorization shows the login page (README).
  if ((single(query, 'prompt') ?? '').split(' ').includes('none'))
    return fail('login_required', 'The user must sign in.');

  return {
    outcome: 'login',
    client,
    request: {
      clientId: client.clientId,
      redirectUri,
      codeChallenge: challenge,
      scope: [...new Set(scope)],
      ...(typeof state === 'string' && { state }),
      ...(nonce !== undefined && { nonce }),
    },
  };
}
