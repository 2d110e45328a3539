// Generated from openapi/auth.yaml by openapi/scripts/gen.mjs. Do not edit.

export interface paths {
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The public keys that verify access tokens */
        get: operations["getJwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/openid-configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Authorization server metadata */
        get: operations["getDiscovery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/introspect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Describe a token (RFC 7662)
         * @description For a confidential OAuth client (client_secret_basic or client_secret_post), which sees its own
         *     tokens only, or a Portico service holding a service token (Bearer) with scope `tokens:introspect`.
         *     Any token that is expired, revoked, badly signed, for another audience, unknown, or whose account
         *     is disabled is `{"active": false}`.
         */
        post: operations["introspectToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/keys/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate the signing key now (admin)
         * @description The published next key starts signing; the old key stays in the JWKS until every token it signed has expired; a new next key is published.
         */
        post: operations["rotateSigningKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange an email and password for tokens */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End this session (its refresh family and its access tokens)
         * @description Revokes the refresh token's whole family and refuses every access token of the session (its `sid`) at the gateway and every service within a second. Other sessions of the same account keep working; `/api/v1/auth/logout-all` ends them all.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out everywhere
         * @description Revokes every refresh family of the caller's account and refuses every access token issued to it until now, at the gateway and every service within a second. A login in the same second as the sign-out (token `iat` has whole seconds) is refused too; log in again a second later.
         */
        post: operations["logoutAll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a refresh token for a new token pair
         * @description The presented refresh token is spent. Presenting a spent token again revokes every token of its family.
         */
        post: operations["refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke an access or refresh token (RFC 7009)
         * @description Revoking a refresh token ends its session (its family and the session's access tokens);
         *     revoking an access token refuses that token at the gateway and every service within a second.
         *     An OAuth client authenticates (client_secret_basic or client_secret_post; a public client names
         *     its `client_id`) and may revoke only tokens issued to it (`azp`). A first-party app that logged in
         *     with `/api/v1/auth/login` has no client: its token alone is enough to revoke itself (RFC 7009 §5
         *     leaves this policy to the server). An unknown, invalid or expired token, or one issued to another
         *     client, is answered 200 and nothing is done (§2.2). Service tokens are not revocable
         *     (`unsupported_token_type`): they live minutes.
         */
        post: operations["revokeToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue a service token (OAuth 2.0 client credentials grant)
         * @description Client authentication by HTTP Basic (client_secret_basic) or form fields (client_secret_post).
         */
        post: operations["clientCredentialsToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/accounts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read an account (service token with scope `accounts:read`) */
        get: operations["getAccountInternal"];
        put?: never;
        post?: never;
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
    "/internal/v1/revocations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every revocation still in force (service token with scope `revocations:read`)
         * @description What a verifier seeds its revocation list with at start, before following the `auth` events (`token.revoked`, `session.revoked`, `account.signed_out`). Times are NumericDate (epoch seconds); an entry is listed until `expiresAt`, after which no token it names can be valid.
         */
        get: operations["listRevocationsInternal"];
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
        Account: {
            email: string;
            /** Format: uuid */
            id: string;
            name: string;
        };
        AccountInternal: {
            email: string;
            /** Format: uuid */
            id: string;
            name: string;
            roles: ("user" | "admin")[];
            /** @enum {string} */
            status: "active" | "disabled";
        };
        ClientCredentialsRequest: {
            client_id?: string;
            client_secret?: string;
            /** @enum {string} */
            grant_type: "client_credentials";
            scope?: string;
        };
        Discovery: {
            grant_types_supported?: string[];
            id_token_signing_alg_values_supported?: string[];
            issuer: string;
            jwks_uri: string;
            token_endpoint: string;
            token_endpoint_auth_methods_supported?: string[];
        };
        /**
         * Format: email
         * @example ada@example.com
         */
        Email: string;
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
        Introspection: {
            active: boolean;
            aud?: string | string[];
            /** @description The OAuth client the token was issued to (`azp`), or the service of a service token. */
            client_id?: string;
            exp?: number;
            iat?: number;
            iss?: string;
            jti?: string;
            scope?: string;
            /** @description The session (refresh family). */
            sid?: string;
            sub?: string;
            /** @enum {string} */
            token_type?: "Bearer" | "refresh_token";
            /** @description The account's email. */
            username?: string;
        };
        IntrospectionRequest: {
            client_id?: string;
            client_secret?: string;
            token: string;
            token_type_hint?: string;
        };
        JwkSet: {
            keys: {
                alg?: string;
                crv?: string;
                kid: string;
                kty: string;
                use?: string;
                x?: string;
                y?: string;
            }[];
        };
        KeyRotation: {
            activeKid: string;
            nextKid: string;
        };
        LoginRequest: {
            email: components["schemas"]["Email"];
            password: string;
        };
        /** @description RFC 9457 problem details with the RFC 6749 §5.2 error members. */
        OAuthProblem: components["schemas"]["Problem"] & {
            /** @example invalid_client */
            error: string;
            error_description?: string;
        };
        /** @description At least 8 characters and not one of the most common passwords; long passphrases are accepted in full, never truncated. */
        Password: string;
        /** @description RFC 9457 problem details. */
        Problem: {
            /** @example EMAIL_TAKEN */
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
        RefreshRequest: {
            refresh_token: string;
        };
        RegisterRequest: {
            email: components["schemas"]["Email"];
            /** @example Ada Lovelace */
            name: string;
            password: components["schemas"]["Password"];
        };
        RevocationRequest: {
            client_id?: string;
            client_secret?: string;
            token: string;
            /** @description `access_token` or `refresh_token`; a hint only: every token type is searched. */
            token_type_hint?: string;
        };
        Revocations: {
            sessions: {
                accountId: string;
                expiresAt: number;
                sessionId: string;
            }[];
            signOuts: {
                accountId: string;
                /** @description Tokens of the account with `iat` at or before this are refused. */
                before: number;
                expiresAt: number;
            }[];
            tokens: {
                accountId: string;
                expiresAt: number;
                jti: string;
            }[];
        };
        ServiceToken: {
            access_token: string;
            expires_in: number;
            scope: string;
            /** @enum {string} */
            token_type: "Bearer";
        };
        TokenPair: {
            access_token: string;
            /** @description Seconds until the access token expires. */
            expires_in: number;
            refresh_token: string;
            /** @enum {string} */
            token_type: "Bearer";
        };
    };
    responses: {
        /** @description Malformed JSON, wrong types, missing or unknown fields (codes `VALIDATION_FAILED`, `MALFORMED_JSON`). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token lacks the role or scope (codes `ROLE_REQUIRED`, `SCOPE_REQUIRED`). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such resource (code `NOT_FOUND`). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A missing or malformed parameter (`error` `invalid_request`), or a token type that cannot be revoked (`unsupported_token_type`, RFC 7009 §2.2.1). An RFC 9457 problem that carries RFC 6749 §5.2 `error` and `error_description`, sent as `application/json` as RFC 6749 requires. */
        OAuthBadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OAuthProblem"];
            };
        };
        /** @description Client authentication failed, or the caller may not use this endpoint (`error` `invalid_client`). */
        OAuthInvalidClient: {
            headers: {
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OAuthProblem"];
            };
        };
        /** @description Too many password checks are waiting; nothing was written, try again after `Retry-After` (code `AUTH_BUSY`). */
        PasswordChecksBusy: {
            headers: {
                "Retry-After"?: number;
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
        /** @description Too many requests (codes `LOGIN_THROTTLED`, `ROTATION_THROTTLED` from the auth service; `RATE_LIMITED`, `LOGIN_RATE_LIMITED` from the gateway, which may send it on every routed operation). */
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
        /** @description The body is not of the documented media type (code `UNSUPPORTED_MEDIA_TYPE`). */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getJwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A JWK Set (RFC 7517), cacheable. */
            200: {
                headers: {
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JwkSet"];
                };
            };
            429: components["responses"]["TooManyRequests"];
        };
    };
    getDiscovery: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Discovery document (RFC 8414 members that apply). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Discovery"];
                };
            };
            429: components["responses"]["TooManyRequests"];
        };
    };
    introspectToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["IntrospectionRequest"];
            };
        };
        responses: {
            /** @description What the token is, or `{"active": false}`. */
            200: {
                headers: {
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Introspection"];
                };
            };
            400: components["responses"]["OAuthBadRequest"];
            401: components["responses"]["OAuthInvalidClient"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    rotateSigningKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The keys after rotation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyRotation"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The token lacks the admin role, or the account is no longer an admin in the database (code `ROLE_REQUIRED`), or it has been disabled since the token was issued (code `ACCOUNT_DISABLED`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The keys were rotated moments ago: on average one rotation per `KEY_ROTATION_MIN_INTERVAL_SECONDS` (60) for the whole deployment, two back to back; nothing changed, try again after `Retry-After` (code `ROTATION_THROTTLED`). */
            429: {
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
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Logged in. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description Wrong email or password, or a disabled account (code `INVALID_CREDENTIALS`); the same answer for each, so no account can be discovered. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["PasswordChecksBusy"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description Logged out (also when the token was already unknown or revoked). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    logoutAll: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every session of the account has ended. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            /** @description A service token is not a user's (code `USER_TOKEN_REQUIRED`). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            429: components["responses"]["TooManyRequests"];
        };
    };
    refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description A new token pair. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description The refresh token is unknown, spent, revoked, expired, or its account is disabled (code `INVALID_REFRESH_TOKEN`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterRequest"];
            };
        };
        responses: {
            /** @description The account was created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            /** @description Malformed JSON, wrong types, missing or unknown fields (codes `VALIDATION_FAILED`, `MALFORMED_JSON`), or a password among the ~49,000 most common of published breaches, compared case-insensitively (code `PASSWORD_TOO_COMMON`, OWASP ASVS V6.2.4); nothing was written. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The email is already registered (code `EMAIL_TAKEN`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["PasswordChecksBusy"];
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["RevocationRequest"];
            };
        };
        responses: {
            /** @description Revoked, or there was nothing this caller may revoke. */
            200: {
                headers: {
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["OAuthBadRequest"];
            401: components["responses"]["OAuthInvalidClient"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    clientCredentialsToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["ClientCredentialsRequest"];
            };
        };
        responses: {
            /** @description A service access token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceToken"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description Unknown client or wrong secret (code `INVALID_CLIENT`). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    getAccountInternal: {
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
            /** @description The account. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountInternal"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
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
        };
    };
    listRevocationsInternal: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The revocations. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Revocations"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
}
