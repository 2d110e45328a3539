import type { components } from '@portico/openapi/auth';

/**
 * RFC 9457 problem details, as every Portico service and the gateway answer
 * errors (the specs' `Problem` schema). `code` is stable and machine-readable:
 * `INVALID_CREDENTIALS`, `ORDER_OUT_OF_STOCK`, …
 */
export type Problem = components['schemas']['Problem'];

/** A non-2xx answer from Portico, with the problem document it carried. */
export class PorticoError extends Error {
  override readonly name = 'PorticoError';
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail || problem.title}`);
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
  }
}

function isProblem(value: unknown): value is Problem {
  const v = value as Partial<Problem> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.code === 'string' &&
    typeof v.status === 'number'
  );
}

/** The problem a response carried, or one made up from its status when the body was not a problem. */
export function toPorticoError(response: Response, body: unknown): PorticoError {
  if (isProblem(body)) return new PorticoError(body);
  return new PorticoError({
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: typeof body === 'string' ? body.slice(0, 500) : '',
    code: `HTTP_${response.status}`,
  });
}

type Result = { data?: unknown; error?: unknown; response: Response };

/**
 * The data of an openapi-fetch result, or a thrown {@link PorticoError} for an error answer.
 * @example const me = unwrap(await portico.users.GET('/api/v1/users/me'));
 */
export function unwrap<R extends Result>(result: R): Exclude<R['data'], undefined> {
  if (!result.response.ok) throw toPorticoError(result.response, result.error);
  return result.data as Exclude<R['data'], undefined>;
}
