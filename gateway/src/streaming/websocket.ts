import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  BadRequestError,
  COMMON_ERRORS,
  ForbiddenError,
  HttpError,
  problemFrom,
  writeProblem,
} from '@portico/errors';
import { GATEWAY_ERRORS } from '../errors.js';
import type { Exchange } from '../exchange.js';
import type { Stage } from '../pipeline.js';
import { sendProblem } from '../problems.js';
import { hasBody } from '../proxy/headers.js';

/** A WebSocket opening handshake (RFC 6455 §4.2.1; the token is case-insensitive). */
export function isWebSocketHandshake(req: IncomingMessage): boolean {
  return req.headers.upgrade?.toLowerCase() === 'websocket';
}

function refuse(exchange: Exchange, error: HttpError): false {
  sendProblem(exchange, error);
  return false;
}

/**
 * The first stage of a handshake, before the route's access rule: the route
 * must take WebSockets (`websocket: true` in the routes file), the handshake
 * must be a GET (RFC 6455 §4.1), and a browser's must come from an origin
 * CORS_ORIGINS lists. A browser sends cookies with a WebSocket handshake from
 * any site and no preflight guards it, so without that check any page could
 * open a socket as its visitor (cross-site WebSocket hijacking). A handshake
 * without `Origin` is not a browser's, and CORS off checks nothing here.
 */
export const admitHandshake: Stage = (exchange) => {
  const { req, route } = exchange;
  if (route.upgrade === undefined) {
    return refuse(
      exchange,
      new BadRequestError(
        `${route.pattern} does not accept WebSockets.`,
        GATEWAY_ERRORS.WEBSOCKET_NOT_ALLOWED.code,
      ),
    );
  }
  if (req.method !== 'GET') {
    return refuse(
      exchange,
      new HttpError(
        COMMON_ERRORS.METHOD_NOT_ALLOWED.status,
        COMMON_ERRORS.METHOD_NOT_ALLOWED.code,
        'Method Not Allowed',
        'A WebSocket handshake is a GET.',
        {
          headers: { allow: 'GET' },
        },
      ),
    );
  }
  if (exchange.cors !== null && req.headers.origin !== undefined && exchange.allowOrigin === null) {
    return refuse(
      exchange,
      new ForbiddenError(
        'WebSockets are not open to this origin.',
        GATEWAY_ERRORS.ORIGIN_NOT_ALLOWED.code,
      ),
    );
  }
  return true;
};

/** The last step of a handshake that passed every stage: the route's upstream takes it. */
export const openWebSocket =
  (head: Buffer) =>
  (exchange: Exchange): void =>
    exchange.route.upgrade!(exchange, head);

/**
 * Another protocol's upgrade (`h2c` from `curl --http2`): RFC 9110 §7.8 lets
 * a server ignore `Upgrade`, so a bodiless one is served as an ordinary
 * request on its socket, which then closes. Node hands the socket over before
 * reading any body, so one with a body is refused rather than forwarded short.
 */
export function ignoreUpgrade(
  req: IncomingMessage,
  res: ServerResponse,
  listener: RequestListener,
): void {
  if (!hasBody(req)) {
    listener(req, res);
    return;
  }
  const refusal = new BadRequestError(
    'An Upgrade request other than a WebSocket handshake cannot carry a body.',
    GATEWAY_ERRORS.UPGRADE_NOT_SUPPORTED.code,
  );
  writeProblem(res, problemFrom(refusal));
}
