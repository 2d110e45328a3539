/** Who made a request, as proven by a verified access token. */
export type Caller =
  | {
      kind: 'user';
      sub: string;
      roles: readonly string[];
      /** The session (refresh family) the token was issued in; absent only in tokens minted by hand. */
      sid?: string;
      jti: string;
      iat: number;
      exp: number;
    }
  | {
      kind: 'service';
      sub: string;
      clientId: string;
      scopes: readonly string[];
      jti: string;
      iat: number;
      exp: number;
    };

declare global {
  namespace Express {
    interface Request {
      /** Set by `requireAuth` once the bearer token has been verified. */
      caller?: Caller;
    }
  }
}
