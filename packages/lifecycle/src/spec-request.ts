import type { Request, Response } from 'express';

type SuccessStatus = 200 | 201 | 202 | 203 | 206;

/** The path parameters an operation documents (none: an empty record). */
export type PathParamsOf<Op> = Op extends { parameters: { path: infer P extends object } }
  ? { [K in keyof P]-?: string }
  : Record<string, never>;

/** The request body an operation documents, in whichever media type it accepts. */
export type RequestBodyOf<Op> = Op extends { requestBody: { content: infer C } }
  ? C[keyof C]
  : undefined;

/** The JSON body of the operation's success responses (2xx with content). */
export type SuccessBodyOf<Op> = Op extends { responses: infer R }
  ? {
      [S in keyof R & SuccessStatus]: R[S] extends { content: { 'application/json': infer B } }
        ? B
        : never;
    }[keyof R & SuccessStatus]
  : never;

/**
 * An express request typed from one operation of the generated OpenAPI types
 * (`operations['placeOrder']` from `@portico/openapi/order`): `body` is the
 * documented request body, `params` the documented path parameters. It is only
 * as true as the validation in front of the handler: mount the handler behind
 * `validateAgainstSpec`, which refuses any request the spec does not admit.
 * Query values stay strings (express re-parses the query on every read).
 */
// biome-ignore lint/suspicious/noExplicitAny: express's default; `SpecResponse` types the answer.
export type SpecRequest<Op> = Request<PathParamsOf<Op>, any, RequestBodyOf<Op>>;

/** An express response whose `json()` takes only the operation's documented success body. */
export type SpecResponse<Op> = Response<SuccessBodyOf<Op>>;
