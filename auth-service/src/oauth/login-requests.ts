import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import { type KeyRing, SIGNING_ALG } from '../domain/key-ring.js';
import type { AuthorizationRequest } from './authorization-request.js';

/** How long the login page may stay open before its form is refused. */
const LOGIN_REQUEST_TTL_SECONDS = 600;
/** A type and audience no token verifier accepts: a handle is never a token. */
const HANDLE_TYP = 'login-request+jwt';
const HANDLE_AUDIENCE = 'portico-login-page';
export const CSRF_COOKIE = 'portico_login_csrf';
/** The page's own path: behind the gateway it is reached at the same path. */
const COOKIE_PATH = '/api/v1/auth/authorize';

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

const equal = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The pending authorization request between the login page and its form.
 * It is held by the browser, signed with the key ring's current key (so any
 * replica, after any restart, can check it and nothing is stored for an
 * unauthenticated GET), and bound to a CSRF secret: a random value in an
 * HttpOnly SameSite=Strict cookie, repeated in the form, whose hash the
 * signed handle carries. A cross-site post has no cookie, and a forged form
 * cannot name a cookie the attacker never saw.
 */
export function createLoginRequests(deps: {
  keyRing: KeyRing;
  issuer: string;
  secureCookies: boolean;
  now: () => number;
}) {
  return {
    /** Signs `request` for the page's form and sets (or keeps) the CSRF cookie; returns the form's hidden values. */
    async open(
      req: Request,
      res: Response,
      request: AuthorizationRequest,
    ): Promise<{ handle: string; csrfToken: string }> {
      const existing = cookieValue(req, CSRF_COOKIE);
      const csrfToken =
        existing && /^[A-Za-z0-9_-]{43}$/.test(existing)
          ? existing
          : randomBytes(32).toString('base64url');
      res.cookie(CSRF_COOKIE, csrfToken, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.secureCookies,
        path: COOKIE_PATH,
        maxAge: LOGIN_REQUEST_TTL_SECONDS * 1000,
      });
      const { kid, key } = await deps.keyRing.signingKey();
      const issuedAt = Math.floor(deps.now() / 1000);
      const handle = await new SignJWT({ request, csrf: sha256(csrfToken) })
        .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: HANDLE_TYP })
        .setIssuer(deps.issuer)
        .setAudience(HANDLE_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + LOGIN_REQUEST_TTL_SECONDS)
        .sign(key);
      return { handle, csrfToken };
    },

    /**
     * The request a posted form continues, or why not: `expired` (a stale or
     * altered handle: start again from the application) or `forged` (the CSRF
     * cookie is missing or does not match).
     */
    async resume(
      req: Request,
      form: { request: string; csrf_token: string },
    ): Promise<{ request: AuthorizationRequest } | { refused: 'expired' | 'forged' }> {
      let payload: { request?: AuthorizationRequest; csrf?: unknown };
      try {
        ({ payload } = await jwtVerify<{ request?: AuthorizationRequest }>(
          form.request,
          deps.keyRing.getKey,
          {
            issuer: deps.issuer,
            audience: HANDLE_AUDIENCE,
            algorithms: [SIGNING_ALG],
            typ: HANDLE_TYP,
            currentDate: new Date(deps.now()),
          },
        ));
      } catch {
        return { refused: 'expired' };
      }
      const cookie = cookieValue(req, CSRF_COOKIE);
      if (
        !cookie ||
        !equal(cookie, form.csrf_token) ||
        typeof payload.csrf !== 'string' ||
        !equal(sha256(cookie), payload.csrf)
      )
        return { refused: 'forged' };
      if (!payload.request) return { refused: 'expired' };
      return { request: payload.request };
    },
  };
}

export type LoginRequests = ReturnType<typeof createLoginRequests>;
