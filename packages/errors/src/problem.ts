import type { ServerResponse } from 'node:http';
import type { HttpError } from './http-errors.js';

/** An RFC 9457 problem document as every Portico process renders it. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A stable URI per code, so clients can switch on `type` as RFC 9457 §3.1.1 intends. */
export function problemType(code: string): string {
  return `urn:portico:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}

export function problemFrom(error: HttpError, instance?: string): Problem {
  return {
    ...error.extensions,
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
  };
}

/**
 * Writes a problem on a bare node:http response, for code that runs before or
 * outside express (the gateway's hot path, a server-level error).
 */
export function writeProblem(
  res: ServerResponse,
  problem: Problem,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(problem);
  res.writeHead(problem.status, {
    ...headers,
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    // A problem is data, never a page or a script, whatever a browser sniffs.
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}
