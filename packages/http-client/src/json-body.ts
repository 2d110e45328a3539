import { BadGatewayError } from '@portico/errors';
import type { Dispatcher } from 'undici';
import { HTTP_CLIENT_ERRORS } from './errors.js';

/** application/json, application/problem+json and any other `+json` type (RFC 6839). */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export function isJsonType(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && JSON_TYPE.test(contentType);
}

/**
 * Reads the whole body so the socket goes back to the pool: parses JSON,
 * dumps anything else. A malformed JSON body is the upstream's fault: 502.
 */
export async function readJsonBody(
  res: Dispatcher.ResponseData,
  upstream: string,
): Promise<unknown> {
  if (!isJsonType(res.headers['content-type'])) {
    await res.body.dump();
    return undefined;
  }
  const text = await res.body.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadGatewayError(
      `Upstream "${upstream}" sent malformed JSON.`,
      HTTP_CLIENT_ERRORS.UPSTREAM_BAD_RESPONSE.code,
    );
  }
}
