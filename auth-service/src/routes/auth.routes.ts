import type { SpecRequest, SpecResponse } from '@portico/lifecycle';
import type { operations } from '@portico/openapi/auth';
import { Router } from 'express';
import type { Accounts } from '../domain/accounts.js';
import type { Sessions } from '../domain/sessions.js';
import type { TokenGrants } from '../oauth/token-grants.js';

type Register = operations['register'];
type Login = operations['login'];
type Refresh = operations['refresh'];
type Logout = operations['logout'];
type Token = operations['token'];

/** `/api/v1/auth/*`: request bodies were validated against openapi/auth.yaml before these run. */
export function authRoutes(deps: {
  accounts: Accounts;
  sessions: Sessions;
  tokenGrants: TokenGrants;
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

  router.post('/token', async (req: SpecRequest<Token>, res: SpecResponse<Token>) => {
    const tokens = await deps.tokenGrants(req.headers.authorization, req.body);
    res.set({ 'cache-control': 'no-store', pragma: 'no-cache' }).json(tokens);
  });

  return router;
}
