import { z } from 'zod';

/** A day (midnight UTC) or an instant with its offset: `2027-06-30`, `2027-06-30T12:00:00Z`. */
const date = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: (issue) =>
    issue.input === undefined
      ? 'is required: a date such as 2027-06-30'
      : 'must be a date such as 2027-06-30 or 2027-06-30T12:00:00Z',
});

/** A link target: a path on this gateway (`/api/v2/orders`) or an absolute http(s) URL. */
const target = z.union([z.string().regex(/^\/[^\s<>"]*$/), z.url({ protocol: /^https?$/ })], {
  error: (issue) =>
    issue.input === undefined
      ? 'is required: a path starting with / or an http:// or https:// URL'
      : 'must be a path starting with / or an http:// or https:// URL',
});

/**
 * A route's `deprecated` block. `since` is required: RFC 9745 §2.1 has no
 * "deprecated, date unknown" value, and a past date says "deprecated already".
 */
export const deprecatedSchema = z
  .strictObject({
    since: date,
    sunset: date,
    successor: target,
    docs: target.optional(),
  })
  // RFC 9745 §4: the Sunset date MUST NOT be earlier than the Deprecation date.
  .refine((deprecated) => Date.parse(deprecated.sunset) >= Date.parse(deprecated.since), {
    message: 'must not be earlier than since',
    path: ['sunset'],
  });

export type DeprecatedData = z.infer<typeof deprecatedSchema>;

/** The headers every answer of a deprecated route carries, as written on the wire. */
export type DeprecationHeaders = {
  /** RFC 9745: a structured-field Date, `@<unix seconds>`. */
  readonly deprecation: string;
  /** RFC 8594: an IMF-fixdate. */
  readonly sunset: string;
  /** RFC 8288 links to the successor (and the deprecation notice, when the route names one). */
  readonly link: string;
};

/** The header values of a `deprecated` block, computed once when the table loads. */
export function deprecationHeaders(deprecated: DeprecatedData): DeprecationHeaders {
  const links = [`<${deprecated.successor}>; rel="successor-version"`];
  // RFC 9745 §3: rel="deprecation" points at a human-readable notice.
  if (deprecated.docs !== undefined) links.push(`<${deprecated.docs}>; rel="deprecation"`);
  return Object.freeze({
    deprecation: `@${Math.floor(Date.parse(deprecated.since) / 1000)}`,
    sunset: new Date(deprecated.sunset).toUTCString(),
    link: links.join(', '),
  });
}
