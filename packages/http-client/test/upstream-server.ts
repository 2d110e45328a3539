import { sendJson, startUpstream, type Upstream } from '@portico/test-kit';

/** An auth service token endpoint that issues `token-1`, `token-2`, ... */
export function startAuth(expiresIn = 3600): Promise<Upstream> {
  return startUpstream((call, res, n) => {
    if (call.method !== 'POST' || call.url !== '/api/v1/auth/token') {
      sendJson(res, 404, {});
      return;
    }
    sendJson(res, 200, {
      access_token: `token-${n}`,
      token_type: 'Bearer',
      expires_in: expiresIn,
      scope: 'inventory:read',
    });
  });
}
