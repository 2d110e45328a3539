import { Router } from 'express';
import type { Accounts } from '../domain/accounts.js';
import { clientFromRequest, type createClientCredentials } from '../domain/client-credentials.js';
import type { Sessions } from '../domain/sessions.js';

type Body = Record<string, string>;

/** `/api/v1/auth/*`: request bodies were validated against openapi/auth.yaml before these run. */
export function authRoutes(deps: {
  accounts: Accounts;
  sessions: Sessions;
  clientCredentials: ReturnType<typeof createClientCredentials>;
}): Router {
  const router = Router();

  router.post('/register', async (req, res) => {
    const { email, password, name } = req.body as Body;
    res
      .status(201)
      .json(await deps.accounts.register({ email: email!, password: password!, name: name! }));
  });

  router.post('/login', async (req, res) => {
    const { email, password } = req.body as Body;
    const tokens = await deps.sessions.login(email!, password!, req.ip ?? 'unknown');
    res.set('cache-control', 'no-store').json(tokens);
  });

  router.post('/refresh', async (req, res) => {
    const tokens = await deps.sessions.refresh((req.body as Body).refresh_token!);
    res.set('cache-control', 'no-store').json(tokens);
  });

  router.post('/logout', async (req, res) => {
    await deps.sessions.logout((req.body as Body).refresh_token!);
    res.status(204).end();
  });

  router.post('/token', async (req, res) => {
    const form = req.body as Body;
    const { clientId, clientSecret } = clientFromRequest(req.headers.authorization, form);
    const token = await deps.clientCredentials.issue(clientId, clientSecret, form.scope);
    res.set('cache-control', 'no-store').json(token);
  });

  return router;
}
