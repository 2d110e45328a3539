// Generated from openapi/order.yaml by openapi/scripts/gen.mjs. Do not edit.

export interface paths {
    "/api/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's orders, newest first
         * @deprecated
         * @description Deprecated since 2026-12-03, sunset 2027-12-31: use `GET /api/v2/orders` (the same orders, paged as `data` and `links`). Every answer carries `Deprecation`, `Sunset` and a `Link` to the successor.
         */
        get: operations["listOrders"];
        put?: never;
        /**
         * Place an order
         * @deprecated
         * @description Deprecated since 2026-12-03, sunset 2027-12-31: use `POST /api/v2/orders`
         *     (the same operation).
         *
         *     Checks the user with the user service, then writes the order `pending`;
         *     the saga with the inventory service settles it as `confirmed`,
         *     `rejected` or `cancelled` (poll `GET /api/v1/orders/{id}`, or follow
         *     `GET /api/v1/orders/{id}/events`). With an
         *     `Idempotency-Key`, a repeated request returns the same order and
         *     reserves nothing again.
         */
        post: operations["placeOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One order (its owner or an admin) */
        get: operations["getOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a pending or confirmed order (its owner or an admin)
         * @description The order becomes `cancelled` and the inventory service releases its stock.
         */
        post: operations["cancelOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The order's saga steps as server-sent events (its owner or an admin)
         * @description A `text/event-stream` (WHATWG HTML, server-sent events): one event per
         *     step of the order's `history`, first every step so far, then each new
         *     one as it happens; the stream ends after the first terminal step
         *     (`confirmed`, `rejected`, `cancelled`). Each event is `event: status`,
         *     `id:` the step's index in `history`, and `data:` the order as of that
         *     step (its `status` and `history` then; the other fields as they are
         *     now). A comment line (`: keep-alive`) comes every 15 s while nothing
         *     happens. Reconnect with `Last-Event-ID` to receive only the steps after
         *     it; a client that already has the terminal step gets 204, which tells
         *     an EventSource to stop. New steps are noticed within the service's
         *     `ORDER_STREAM_POLL_MS` (300 ms), whichever replica wrote them.
         */
        get: operations["watchOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v2/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's orders, newest first (v2 page shape)
         * @description The orders of `GET /api/v1/orders`, paged as `data` and `links`: `links.next` is the next page's path and query (null on the last page), to be followed as it is.
         */
        get: operations["listOrdersV2"];
        put?: never;
        /**
         * Place an order
         * @description Checks the user with the user service, then writes the order `pending`;
         *     the saga with the inventory service settles it as `confirmed`,
         *     `rejected` or `cancelled` (poll `GET /api/v1/orders/{id}`, or follow
         *     `GET /api/v1/orders/{id}/events`). With an
         *     `Idempotency-Key`, a repeated request returns the same order and
         *     reserves nothing again.
         */
        post: operations["placeOrderV2"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This service's outbox as a feed (embedded transport; service token with scope `events:read`)
         * @description Events after position `after`, in commit order. With `waitMs` and nothing new, the request waits for the next commit (a long poll). `after=latest` returns the current position and no events.
         */
        get: operations["readEventFeed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        EventPage: {
            events: {
                data: unknown;
                /** Format: uuid */
                id: string;
                /** Format: date-time */
                occurredAt: string;
                position: number;
                source: string;
                traceparent?: string;
                /** @example user.registered */
                type: string;
            }[];
            /** @description The position to ask for next. */
            next: number;
            source: string;
        };
        HistoryEntry: {
            /** Format: date-time */
            at: string;
            detail?: string;
            status: string;
        };
        /**
         * @example {
         *       "items": [
         *         {
         *           "sku": "SKU-KEYBOARD",
         *           "quantity": 1
         *         },
         *         {
         *           "sku": "SKU-MOUSE",
         *           "quantity": 2
         *         }
         *       ]
         *     }
         */
        NewOrder: {
            items: {
                quantity: number;
                /** @example SKU-KEYBOARD */
                sku: string;
            }[];
        };
        Order: {
            /** Format: date-time */
            createdAt: string;
            history: components["schemas"]["HistoryEntry"][];
            /** Format: uuid */
            id: string;
            items: components["schemas"]["OrderItem"][];
            reason: string | null;
            /** @enum {string} */
            status: "pending" | "confirmed" | "rejected" | "cancelled";
            totalCents: number | null;
            /** Format: uuid */
            userId: string;
        };
        OrderItem: {
            quantity: number;
            sku: string;
            unitPriceCents?: number;
        };
        OrderPage: {
            items: components["schemas"]["Order"][];
            /** @description The `cursor` of the next page (base64url); null on the last page. */
            nextCursor: string | null;
        };
        OrderPageV2: {
            data: components["schemas"]["Order"][];
            links: {
                /**
                 * @description The next page: this path with the same `limit` and the next `cursor`, relative to the API's origin; null on the last page.
                 * @example /api/v2/orders?limit=20&cursor=MTc2NDc2MDAwMDAwMHw
                 */
                next: string | null;
            };
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            code: string;
            detail: string;
            errors?: {
                message?: string;
                path?: string;
            }[];
            instance?: string;
            status: number;
            title: string;
            type: string;
        };
    };
    responses: {
        /** @description Malformed JSON, wrong types, missing or unknown fields (codes `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_CURSOR`). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token lacks the role or scope (codes `ROLE_REQUIRED`, `SCOPE_REQUIRED`, `USER_TOKEN_REQUIRED`). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such order, or not yours: the same answer, so ids do not leak (code `ORDER_NOT_FOUND`; `NOT_FOUND` for a path that does not exist). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Accepted; the order is pending. */
        OrderAccepted: {
            headers: {
                /** @description Present (`true`) when the Idempotency-Key was seen before. */
                "Idempotent-Replayed"?: string;
                Location?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Order"];
            };
        };
        /** @description The body is larger than allowed (code `PAYLOAD_TOO_LARGE`). */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Malformed JSON, wrong types, missing or unknown fields (codes `VALIDATION_FAILED`, `MALFORMED_JSON`), or a sku that appears more than once in `items` (code `DUPLICATE_SKU`). */
        PlaceOrderBadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A disabled user (code `USER_DISABLED`), or no user token. */
        PlaceOrderForbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description An unknown user (`USER_UNKNOWN`), or an Idempotency-Key reused for another order (`IDEMPOTENCY_KEY_REUSED`). */
        PlaceOrderUnprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A dependency is down: the user service, when the user is checked (code `USER_SERVICE_UNAVAILABLE`), or the auth service's key set, when the token must be verified against it (code `AUTH_KEYS_UNAVAILABLE`). */
        ServiceUnavailable: {
            headers: {
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Too many requests (code `RATE_LIMITED`): the gateway's rate limit, per user (per client address when anonymous, and per client address for tokens it must verify), which it may send on every routed operation. */
        TooManyRequests: {
            headers: {
                /** @description IETF draft-7 `limit=…, remaining=…, reset=…` (from the gateway). */
                RateLimit?: string;
                /** @description IETF draft-7 `<limit>;w=<window seconds>` (from the gateway). */
                "RateLimit-Policy"?: string;
                /** @description Seconds until a request may succeed. */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No valid access token (codes `TOKEN_REQUIRED`, `INVALID_TOKEN`). */
        Unauthorized: {
            headers: {
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is not JSON (code `UNSUPPORTED_MEDIA_TYPE`). */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /** @description The `nextCursor` of the previous page (omit it for the first page): an opaque base64url string (`INVALID_CURSOR` when it decodes to no cursor). */
        Cursor: string;
        IdempotencyKey: string;
        /** @description Page size. */
        Limit: number;
    };
    requestBodies: {
        NewOrder: {
            content: {
                "application/json": components["schemas"]["NewOrder"];
            };
        };
    };
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listOrders: {
        parameters: {
            query?: {
                /** @description The `nextCursor` of the previous page (omit it for the first page): an opaque base64url string (`INVALID_CURSOR` when it decodes to no cursor). */
                cursor?: components["parameters"]["Cursor"];
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of orders. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    placeOrder: {
        parameters: {
            query?: never;
            header?: {
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["NewOrder"];
        responses: {
            202: components["responses"]["OrderAccepted"];
            400: components["responses"]["PlaceOrderBadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["PlaceOrderForbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["PlaceOrderUnprocessable"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    cancelOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The order is already rejected (code `ORDER_NOT_CANCELLABLE`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    watchOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description The index of the last step the client has. */
                "Last-Event-ID"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stream of the order's steps. */
            200: {
                headers: {
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The client's `Last-Event-ID` is the terminal step already; nothing more will come. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `Last-Event-ID` is not a step index (code `INVALID_LAST_EVENT_ID`), or the id is not a UUID (code `VALIDATION_FAILED`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description The user holds too many open streams already (code `TOO_MANY_USER_STREAMS`; the bound is the service's `ORDER_STREAMS_PER_USER`), or the gateway's rate limit (code `RATE_LIMITED`). */
            429: {
                headers: {
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description This replica has as many streams open as it allows (code `TOO_MANY_STREAMS`; the bound is the service's `ORDER_STREAMS_MAX`), or a dependency is down (as for every operation). */
            503: {
                headers: {
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listOrdersV2: {
        parameters: {
            query?: {
                /** @description The `nextCursor` of the previous page (omit it for the first page): an opaque base64url string (`INVALID_CURSOR` when it decodes to no cursor). */
                cursor?: components["parameters"]["Cursor"];
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of orders. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderPageV2"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    placeOrderV2: {
        parameters: {
            query?: never;
            header?: {
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["NewOrder"];
        responses: {
            202: components["responses"]["OrderAccepted"];
            400: components["responses"]["PlaceOrderBadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["PlaceOrderForbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["PlaceOrderUnprocessable"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    readEventFeed: {
        parameters: {
            query?: {
                after?: number | "latest";
                limit?: number;
                waitMs?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the feed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
