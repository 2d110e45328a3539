import { z } from 'zod';
import { deprecatedSchema } from './deprecation.js';

/** A whole number of milliseconds, requests or bytes, above zero. */
const positive = (what: string) =>
  z
    .number({ error: `must be a number of ${what}` })
    .int(`must be a whole number of ${what}`)
    .positive(`must be above 0`);

/** A URL, or `${VARIABLE}` to read it from the gateway's configuration (the shipped file does). */
const upstreamUrl = z.string({ error: 'must be a URL such as http://127.0.0.1:8001' }).min(1);

const upstreamSchema = z
  .strictObject({
    url: upstreamUrl.optional(),
    urls: z
      .array(upstreamUrl, { error: 'must be a list of URLs' })
      .min(1, 'must name at least one URL')
      .optional(),
    timeoutMs: positive('milliseconds').optional(),
    retries: z.number().int().min(0, 'must be 0 or more').max(10, 'must be 10 at most').optional(),
  })
  .refine((upstream) => (upstream.url === undefined) !== (upstream.urls === undefined), {
    message: 'needs exactly one of url (one URL) or urls (a list)',
  });

const accessSchema = z.union(
  [
    z.enum(['public', 'token', 'public-read']),
    z.strictObject({ role: z.string().min(1) }),
    z.strictObject({ scope: z.string().min(1) }),
  ],
  { error: 'must be public, token, public-read, { role: <role> } or { scope: <scope> }' },
);

const routeSchema = z
  .strictObject({
    prefix: z.string().optional(),
    exact: z.string().optional(),
    upstream: z.string({ error: 'must name one of the upstreams' }),
    access: accessSchema,
    deprecated: deprecatedSchema.optional(),
    timeoutMs: positive('milliseconds').optional(),
    retries: z.number().int().min(0, 'must be 0 or more').max(10, 'must be 10 at most').optional(),
    rateLimitPerMinute: positive('requests').optional(),
    bodyLimitBytes: positive('bytes').optional(),
    websocket: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .refine((route) => (route.prefix === undefined) !== (route.exact === undefined), {
    message: 'needs exactly one of prefix (a path and everything below it) or exact (one path)',
  });

/** The routes file, as docs/configuration.md describes it. */
export const routesFileSchema = z.strictObject({
  upstreams: z.record(z.string().min(1), upstreamSchema, {
    error: 'must map each upstream name to its url or urls',
  }),
  routes: z
    .array(routeSchema, { error: 'must be a list of routes' })
    .min(1, 'must name at least one route'),
});

export type RoutesFileData = z.infer<typeof routesFileSchema>;
export type RouteData = RoutesFileData['routes'][number];
