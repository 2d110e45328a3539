import * as oidc from 'openid-client';
import { signInThroughPage } from './support/hosted-login.js';
import { newShopper, type Shopper } from './support/shop.js';
import { call, type System, startSystem } from './support/system.js';

/**
 * openid-client 6 (a certified relying party nobody here wrote) against the
 * whole system at the gateway's public address: discovery, code + PKCE
 * through the hosted login page, ID token validation, userinfo, refresh and
 * RP-initiated logout, with the development client `portico-demo`.
 */
describe('OpenID Connect with openid-client through the gateway', () => {
  let system: System;
  let shopper: Shopper;
  let config: oidc.Configuration;
  const CLIENT = 'portico-demo';
  const redirectUri = () => `${system.gateway}/demo/`;

  beforeAll(async () => {
    system = await startSystem({ issuerAtGateway: true });
    shopper = await newShopper(system.gateway, 'Ada Lovelace');
    // Plain http is the e2e system's: openid-client refuses it unless told.
    config = await oidc.discovery(new URL(system.gateway), CLIENT, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
  }, 60_000);
  afterAll(() => system?.stop());

  async function signIn(scope = 'openid profile email') {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(),
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = await signInThroughPage(system.gateway, url, shopper);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    return { tokens, callback, state, nonce };
  }

  it('when the discovery document is read, then its issuer is the gateway and every endpoint is there', () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(system.gateway);
    expect(meta.authorization_endpoint).toBe(`${system.gateway}/api/v1/auth/authorize`);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.grant_types_supported).not.toContain('password');
  });

  it('when a user signs in with code + PKCE, then openid-client validates the ID token (nonce, aud, iss) and the API accepts the access token', async () => {
    const { tokens, callback, state } = await signIn();
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(system.gateway);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: system.gateway, aud: CLIENT, sub: shopper.id });
    expect(claims.auth_time).toEqual(expect.any(Number));
    expect(tokens.scope).toBe('openid profile email');
    const me = await call(system.gateway, '/api/v1/users/me', { token: tokens.access_token });
    expect(me.status).toBe(200);
  });

  it('when userinfo is fetched, then it answers the same subject with email and name', async () => {
    const { tokens } = await signIn();
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(info).toEqual({ sub: shopper.id, email: shopper.email, name: 'Ada Lovelace' });
  });

  it('when the tokens are refreshed, then a new pair works and the spent refresh token is refused', async () => {
    const { tokens } = await signIn();
    const next = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(
      (await call(system.gateway, '/api/v1/orders', { token: next.access_token })).status,
    ).toBe(200);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('when the RP ends the session, then the page sends the browser back with state and the session refreshes no more', async () => {
    const { tokens } = await signIn();
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: redirectUri(),
      state: 'signed-out-1',
    });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri());
    expect(back.searchParams.get('state')).toBe('signed-out-1');
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('when the token endpoint refuses a code, then openid-client reads the RFC 6749 error', async () => {
    const { tokens: _first, callback } = await signIn();
    // The code in `callback` was redeemed by signIn: a second redemption is a replay.
    await expect(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: callback.searchParams.get('state')!,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
