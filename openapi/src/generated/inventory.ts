// Generated from openapi/inventory.yaml by openapi/scripts/gen.mjs. Do not edit.

export interface paths {
    "/api/v1/inventory/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List products, by sku */
        get: operations["listProducts"];
        put?: never;
        /** Create a product (admin) */
        post: operations["createProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/inventory/products/{sku}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One product */
        get: operations["getProduct"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Rename, reprice or restock a product (admin)
         * @description `restock` adds to `available`. A new price applies to reservations made from now on; stock already reserved keeps the price it was reserved at.
         */
        patch: operations["updateProduct"];
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
    "/internal/v1/reservations/{orderId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What inventory did for one order (service token with scope `inventory:read`)
         * @description `reserved` holds stock, `released` gave it back, `rejected` never held any, `cancelled` heard of the cancellation before the order itself.
         */
        get: operations["getReservation"];
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
        /**
         * @example {
         *       "sku": "SKU-WEBCAM",
         *       "name": "HD webcam",
         *       "priceCents": 4900,
         *       "stock": 50
         *     }
         */
        NewProduct: {
            name: string;
            priceCents: number;
            sku: components["schemas"]["Sku"];
            stock: number;
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
        Product: {
            available: number;
            name: string;
            priceCents: number;
            reserved: number;
            sku: components["schemas"]["Sku"];
        };
        ProductPage: {
            items: components["schemas"]["Product"][];
            /** @description The `cursor` of the next page (base64url); null on the last page. */
            nextCursor: string | null;
        };
        /** @description At least one of the fields. */
        ProductUpdate: {
            name?: string;
            priceCents?: number;
            /** @description Units to add to `available`. */
            restock?: number;
        };
        Reservation: {
            items: components["schemas"]["ReservationItem"][];
            /** Format: uuid */
            orderId: string;
            /** @enum {string} */
            state: "reserved" | "released" | "rejected" | "cancelled";
        };
        ReservationItem: {
            quantity: number;
            sku: string;
            /** @description The price the line was reserved at; absent when no stock was ever held. */
            unitPriceCents?: number;
        };
        /** @example SKU-KEYBOARD */
        Sku: string;
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
        /** @description A product with this sku exists (code `SKU_TAKEN`). */
        Conflict: {
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
        /** @description No such resource (codes `NOT_FOUND`, `PRODUCT_NOT_FOUND`, `RESERVATION_NOT_FOUND`). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
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
        /** @description The auth service's key set cannot be fetched to verify the token (code `AUTH_KEYS_UNAVAILABLE`). */
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
        /** @description Page size. */
        Limit: number;
        Sku: components["schemas"]["Sku"];
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listProducts: {
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
            /** @description A page of products. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    createProduct: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewProduct"];
            };
        };
        responses: {
            /** @description The product was created. */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    updateProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProductUpdate"];
            };
        };
        responses: {
            /** @description The product after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
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
    getReservation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                orderId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order's reservation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Reservation"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
