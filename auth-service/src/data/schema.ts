import type { EventTables } from '@portico/events';

/** The auth service's tables, as Kysely sees them. Times are epoch milliseconds. */
export type AuthDatabase = EventTables & {
  accounts: AccountRow;
  refresh_tokens: RefreshTokenRow;
  signing_keys: SigningKeyRow;
  service_clients: ServiceClientRow;
  authorization_codes: AuthorizationCodeRow;
  revoked_tokens: RevokedTokenRow;
  revoked_sessions: RevokedSessionRow;
  account_sign_outs: AccountSignOutRow;
};

export type AccountStatus = 'active' | 'disabled';

export type AccountRow = {
  id: string;
  /** Lower-cased, so uniqueness is case-insensitive. */
  email: string;
  name: string;
  password_hash: string;
  /** Space-separated role names. */
  roles: string;
  status: AccountStatus;
  created_at: number;
  updated_at: number;
};

export type RefreshTokenState = 'active' | 'rotated' | 'revoked';

export type RefreshTokenRow = {
  id: string;
  /** SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  family_id: string;
  account_id: string;
  state: RefreshTokenState;
  expires_at: number;
  created_at: number;
  /** The OAuth client the family was issued to (authorization code grant); null for a JSON login. */
  client_id?: string | null;
  /** Space-separated scopes the family's access tokens carry (OAuth clients only). */
  scope?: string | null;
};

/** `next`: published, not signing yet; `active`: signing; `retired`: published until `publish_until`. */
export type SigningKeyState = 'next' | 'active' | 'retired';

export type SigningKeyRow = {
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk: string;
  state: SigningKeyState;
  created_at: number;
  activated_at: number | null;
  publish_until: number | null;
};

export type ServiceClientRow = {
  client_id: string;
  /** SHA-256 of the secret: client secrets are long random strings, not passwords. */
  secret_hash: string;
  updated_at: number;
};

/** An access token refused before its `exp`; `expires_at` is when every verifier refuses it anyway. */
export type RevokedTokenRow = { jti: string; account_id: string; expires_at: number };

/** A session (refresh family) whose access tokens are refused; kept until the last could expire. */
export type RevokedSessionRow = { session_id: string; account_id: string; expires_at: number };

/** "Signed out everywhere": the account's tokens issued at or before `before` are refused. */
export type AccountSignOutRow = { account_id: string; before: number; expires_at: number };

/** `issued` until redeemed once; a redeemed code presented again revokes its session. */
export type AuthorizationCodeState = 'issued' | 'redeemed';

export type AuthorizationCodeRow = {
  /** SHA-256 of the code; the code itself is never stored. */
  code_hash: string;
  client_id: string;
  redirect_uri: string;
  /** PKCE S256 challenge (RFC 7636): base64url(SHA-256(code_verifier)). */
  code_challenge: string;
  account_id: string;
  /** The refresh family (session, `sid`) the code's tokens start; known before redemption so a replay can revoke it. */
  session_id: string;
  scope: string;
  nonce: string | null;
  /** When the user entered their password (epoch ms): the ID token's `auth_time`. */
  auth_time: number;
  state: AuthorizationCodeState;
  expires_at: number;
};
