import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/auth';
import { Router } from 'express';
import type { Accounts } from '../domain/accounts.js';
import { clientFromRequest, type createClientCredentials } from '../domain/client-credentials.js';
import type { Sessions } from '../domain/sessions.js';

type Register = operations['register'];
type Login = operations['login'];
type Refresh = operations['refresh'];
type Logout = operations['logout'];
type ClientCredentialsToken = operations['clientCredentialsToken'];

/** `/api/v1/auth/*`: request bodies were validated against openapi/auth.yaml before these run. */
export function authRoutes(deps: {
  accounts: Accounts;
  sessions: Sessions;
  clientCredentials: ReturnType<typeof createClientCredentials>;
}): Router {
  const router = Router();

  router.post('/register', async (req: SpecRequest<Register>, res: SpecResponse<Register>) => {
    const { email, password, name } = req.body;
    res.status(201).json(await deps.accounts.register({ email, password, name }));
  });

  router.post('/login', async (req: SpecRequest<Login>, res: SpecResponse<Login>) => {
    const { email, password } = req.body;
    const tokens = await deps.sessions.login(email, password, req.ip ?? 'unknown');
    res.set('cache-control', 'no-store').json(tokens);
  });

  router.post('/refresh', async (req: SpecRequest<Refresh>, res: SpecResponse<Refresh>) => {
    const tokens = await deps.sessions.refresh(req.body.refresh_token);
    res.set('cache-control', 'no-store').json(tokens);
  });

  router.post('/logout', async (req: SpecRequest<Logout>, res) => {
    await deps.sessions.logout(req.body.refresh_token);
    res.status(204).end();
  });

  router.post(
    '/token',
    async (req: SpecRequest<ClientCredentialsToken>, res: SpecResponse<ClientCredentialsToken>) => {
      const form = req.body;
      const { clientId, clientSecret } = clientFromRequest(req.headers.authorization, form);
      const token = await deps.clientCredentials.issue(clientId, clientSecret, form.scope);
      res.set('cache-control', 'no-store').json(token);
    },
  );

  return router;
}
