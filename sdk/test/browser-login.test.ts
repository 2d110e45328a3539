import { openLoginPage, submitLogin } from '../../auth-service/test/support/oauth-flow.js';
import { newShopper, type Shopper } from '../../e2e/test/support/shop.js';
import { type System, startSystem } from '../../e2e/test/support/system.js';
import {
  createBrowserLogin,
  createPortico,
  memoryTokenStore,
  OAuthError,
  type PendingStore,
  unwrap,
} from '../src/index.js';

/** sessionStorage, as a tab has it. */
function tabStorage(): PendingStore & { keys: () => string[] } {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
    keys: () => [...items.keys()],
  };
}

/** What the browser does between `authorizeUrl()` and the redirect back: the hosted page, filled in. */
async function logInOnTheHostedPage(
  authorizeUrl: string,
  who: Pick<Shopper, 'email' | 'password'>,
) {
  const url = new URL(authorizeUrl);
  const page = await openLoginPage(url.origin, url.search.slice(1));
  expect(page.status).toBe(200);
  const answer = await submitLogin(url.origin, page, who);
  expect(answer.location?.searchParams.get('code')).toMatch(/^[\w-]{43}$/);
  return answer.location!.href;
}

describe('the SDK in a browser app: the hosted login (code + PKCE), then the API as that user', () => {
  let system: System;
  let shopper: Shopper;
  beforeAll(async () => {
    system = await startSystem({ issuerAtGateway: true });
    shopper = await newShopper(system.gateway, 'Grace Hopper');
  }, 60_000);
  afterAll(() => system?.stop());

  const loginFor = (pending: PendingStore) =>
    createBrowserLogin({
      baseUrl: system.gateway,
      clientId: 'portico-demo',
      redirectUri: `${system.gateway}/demo/`,
      pending,
    });

  it('when a user logs in through the page and comes back, then the SDK holds tokens that call the API, refresh as the client, and log out', async () => {
    const tab = tabStorage();
    const login = loginFor(tab);
    const authorizeUrl = await login.authorizeUrl();
    const query = new URL(authorizeUrl).searchParams;
    expect(authorizeUrl.startsWith(`${system.gateway}/api/v1/auth/authorize?`)).toBe(true);
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(query.get('state')).not.toBe(query.get('nonce'));

    const back = await logInOnTheHostedPage(authorizeUrl, shopper);
    const { tokens, claims } = await login.finish(back);
    expect(tab.keys()).toEqual([]);
    expect(claims).toMatchObject({
      sub: shopper.id,
      aud: 'portico-demo',
      nonce: query.get('nonce'),
    });

    const store = memoryTokenStore();
    store.save(tokens);
    const portico = createPortico({
      baseUrl: system.gateway,
      tokens: store,
      oauthClientId: 'portico-demo',
    });
    expect(unwrap(await portico.users.GET('/api/v1/users/me'))).toMatchObject({ id: shopper.id });

    const next = await portico.session.refresh();
    expect(next?.refresh_token).not.toBe(tokens.refresh_token);
    expect(unwrap(await portico.users.GET('/api/v1/users/me'))).toMatchObject({ id: shopper.id });

    await portico.session.logout();
    expect(await store.load()).toBeUndefined();
    // The ended session's refresh token no longer refreshes, even as the right client.
    await expect(login.refresh(next!.refresh_token)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  }, 30_000);

  it('when the redirect back carries another state, or an error, then finish refuses before any code is traded', async () => {
    const tab = tabStorage();
    const login = loginFor(tab);
    const back = new URL(await logInOnTheHostedPage(await login.authorizeUrl(), shopper));
    back.searchParams.set('state', 'forged');
    await expect(login.finish(back.href)).rejects.toMatchObject({ error: 'state_mismatch' });

    const again = loginFor(tab);
    const state = new URL(await again.authorizeUrl()).searchParams.get('state')!;
    const denied = `${system.gateway}/demo/?error=access_denied&state=${state}`;
    const refusal = await again.finish(denied).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OAuthError);
    expect(refusal).toMatchObject({ error: 'access_denied' });
    // Nothing pending is left behind for a later page to use.
    await expect(again.finish(denied)).rejects.toMatchObject({ error: 'no_pending_login' });
  }, 30_000);

  it('when the code comes back from another issuer (a mix-up), then finish refuses it', async () => {
    const login = loginFor(tabStorage());
    const back = new URL(await logInOnTheHostedPage(await login.authorizeUrl(), shopper));
    back.searchParams.set('iss', 'https://evil.example');
    await expect(login.finish(back.href)).rejects.toMatchObject({ error: 'issuer_mismatch' });
  }, 30_000);
});
