import type { Response } from 'express';

/** The client's redirect_uri with the answer's parameters added (its own query kept). */
export function redirectWith(
  redirectUri: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}

/** A redirect with no body (express's would add "Found. Redirecting to …"); uncached, as it may carry a code. */
export const redirect = (res: Response, status: 302 | 303, location: string) =>
  res.status(status).set('cache-control', 'no-store').location(location).end();
