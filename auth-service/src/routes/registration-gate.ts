import { problemErrorHandler } from '@portico/errors';
import type { Logger } from '@portico/logging';
import express, { type Express } from 'express';
import type { RegistrationThrottle } from '../domain/registration-throttle.js';

/**
 * The auth service's front door: `POST /api/v1/auth/register` takes its
 * registration budget from the caller's address before the service frame logs
 * it, times it, or reads and parses its body (issue 12). A refused
 * registration then costs the routing, one budget count and a small problem:
 * its body is never read (node discards it to keep the connection), and it
 * writes no log line, where a flood of them used to write one warning each and
 * hold the event loop everyone else's logins wait on. An accepted one, and
 * every other request, goes on to the service app as before. Express routes
 * the gate, so it matches exactly the spellings the service's own router does.
 */
export function registrationGate(options: {
  service: Express;
  throttle: RegistrationThrottle;
  trustProxy: string | boolean;
  logger: Logger;
}): Express {
  const { service, throttle } = options;
  const gate = express();
  gate.disable('x-powered-by');
  // The same `req.ip` as the service's: the gateway's X-Forwarded-For when it comes from a trusted proxy.
  gate.set('trust proxy', options.trustProxy);
  gate.post('/api/v1/auth/register', async (req, _res, next) => {
    await throttle.take(req.ip ?? 'unknown');
    next();
  });
  gate.use((req, res) => {
    service(req, res);
  });
  // Only the refusals above get here: the service app answers everything it is handed.
  gate.use(problemErrorHandler(options.logger));
  return gate;
}
