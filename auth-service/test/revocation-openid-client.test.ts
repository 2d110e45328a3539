import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import {
  type AuthHarness,
  registerAndLogin,
  signedByService,
  startAuth,
} from './support/auth-harness.js';

/** openid-client 6 (oauth4webapi underneath): a foreign client, strict about every answer. */
const SECRET = 'openid-client-confidential-secret-0123456789';
const CLIENTS = [
  {
    client_id: 'rp-server',
    name: 'A relying party',
    type: 'confidential',
    redirect_uris: ['http://127.0.0.1:9999/callback'],
    secret: SECRET,
  },
  { client_id: 'rp-spa', name: 'A SPA', type: 'public', redirect_uris: ['http://127.0.0.1:9997/'] },
];
const ISSUER = 'http://127.0.0.1:8080';

describe('revocation and introspection with openid-client', () => {
  let auth: AuthHarness;
  beforeAll(async () => {
    auth = await startAuth({ OAUTH_CLIENTS: JSON.stringify(CLIENTS) });
  });
  afterAll(() => auth.stop());

  /** The server as a relying party configured from discovery would see it (here: listening on port 0). */
  function configuration(clientId: string, authentication: client.ClientAuth) {
    const server: client.ServerMetadata = {
      issuer: ISSUER,
      revocation_endpoint: `${auth.url}/api/v1/auth/revoke`,
      introspection_endpoint: `${auth.url}/api/v1/auth/introspect`,
    };
    const config = new client.Configuration(server, clientId, undefined, authentication);
    client.allowInsecureRequests(config);
    return config;
  }
  const confidential = (auth = client.ClientSecretBasic(SECRET)) =>
    configuration('rp-server', auth);

  /** An access token issued to `azp`, as the authorization code grant would issue it. */
  const tokenFor = (sub: string, azp: string) =>
    signedByService(auth, sub, { roles: ['user'], sid: randomUUID(), azp, scope: 'openid email' });

  it('when a confidential client introspects its token, then revokes it, then the token is inactive', async () => {
    const { id, email } = await registerAndLogin(auth.url);
    const token = await tokenFor(id, 'rp-server');

    const active = await client.tokenIntrospection(confidential(), token);
    expect(active).toMatchObject({
      active: true,
      sub: id,
      client_id: 'rp-server',
      scope: 'openid email',
      token_type: 'Bearer',
      username: email,
    });

    await client.tokenRevocation(confidential(), token, { token_type_hint: 'access_token' });
    expect(await client.tokenIntrospection(confidential(), token)).toEqual({ active: false });
  });

  it('when the client authenticates by client_secret_post, then introspection works the same', async () => {
    const { id } = await registerAndLogin(auth.url);
    const token = await tokenFor(id, 'rp-server');
    const answer = await client.tokenIntrospection(
      confidential(client.ClientSecretPost(SECRET)),
      token,
    );
    expect(answer.active).toBe(true);
  });

  it('when a public client revokes its token (auth method none), then it is revoked', async () => {
    const { id } = await registerAndLogin(auth.url);
    const token = await tokenFor(id, 'rp-spa');
    await client.tokenRevocation(configuration('rp-spa', client.None()), token);
    expect(await client.tokenIntrospection(confidential(), token)).toEqual({ active: false });
  });

  /**
   * RFC 6749 §5.2: a 401 invalid_client carries a WWW-Authenticate challenge,
   * which openid-client surfaces as its own error; the body is still the
   * RFC 6749 error (and an RFC 9457 problem).
   */
  async function refusal(attempt: Promise<unknown>) {
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    const challenge = error as client.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    return { scheme: challenge.cause[0]?.scheme, body: await challenge.response.json() };
  }

  it('when the secret is wrong, then openid-client reads an invalid_client refusal', async () => {
    const { id } = await registerAndLogin(auth.url);
    const token = await tokenFor(id, 'rp-server');
    const wrong = confidential(client.ClientSecretBasic('not-the-secret'));
    for (const attempt of [
      client.tokenIntrospection(wrong, token),
      client.tokenRevocation(wrong, token),
    ]) {
      expect(await refusal(attempt)).toEqual({
        scheme: 'basic',
        body: expect.objectContaining({
          error: 'invalid_client',
          status: 401,
          code: 'INVALID_CLIENT',
        }),
      });
    }
    expect((await client.tokenIntrospection(confidential(), token)).active).toBe(true);
  });

  it('when a confidential client sends a bad request, then openid-client reads invalid_request', async () => {
    const error = await client.tokenIntrospection(confidential(), 'x'.repeat(9000)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(client.ResponseBodyError);
    expect(error).toMatchObject({ error: 'invalid_request', status: 400 });
  });

  it('when a public client tries to introspect, then it is refused with invalid_client', async () => {
    const { id } = await registerAndLogin(auth.url);
    const token = await tokenFor(id, 'rp-spa');
    const { body } = await refusal(
      client.tokenIntrospection(configuration('rp-spa', client.None()), token),
    );
    expect(body).toMatchObject({ error: 'invalid_client' });
  });
});
