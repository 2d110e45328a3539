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
    "/api/v1/auth/authorize": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Start an OAuth 2.1 authorization (code + PKCE S256); shows the hosted login page
         * @description The client and its exact `redirect_uri` are checked first: if either is wrong the answer is an HTML error page
         *     (400), never a redirect. After that, every error is a redirect to `redirect_uri` with `error`,
         *     `error_description`, `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207): `invalid_request` (PKCE with S256 is
         *     required, `plain` is refused), `unsupported_response_type`, `invalid_scope`, `login_required` (`prompt=none`:
         *     there is no single sign-on session, every authorization shows the login page). Other parameters are ignored
         *     (RFC 6749 §3.1). The page sets an HttpOnly SameSite=Strict CSRF cookie and a strict CSP
         *     (`frame-ancestors 'none'`).
         */
        get: operations["authorize"];
        put?: never;
        /**
         * The hosted login page's form
         * @description Checks the CSRF cookie against the form's `csrf_token` and the signed `request`, and refuses a post from another
         *     site (403 page). The email and password go through the same login throttle as `/api/v1/auth/login`. On success,
         *     a 303 to the client's redirect_uri with `code` (one-time, 60 s), `state` and `iss`. Wrong credentials show the
         *     page again (400) with one message for every bad credential.
         */
        post: operations["submitLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/end-session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OpenID Connect RP-initiated logout
         * @description Ends the session named by the ID token hint's `sid` (expired hints are accepted). With `post_logout_redirect_uri`
         *     (exactly one the client registered; the client is `client_id` or the hint's `aud`), a 302 there with `state`;
         *     without, a "signed out" page. A hint this server did not sign, a mismatched client or an unregistered
         *     address is an HTML error page (400), never a redirect.
         */
        get: operations["endSession"];
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
         * @description Revokes every refresh family of the caller's account and refuses every access token issued to it until now, at the gateway and every service within a second. A login right after it gets tokens stamped after the cut-off, so they work.
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
         *     leaves this policy to the server); an `Authorization: Bearer` header is not client authentication
         *     and is ignored. An unknown, invalid or expired token, or one issued to another
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
         * The OAuth 2.1 token endpoint
         * @description - `grant_type=client_credentials`: a service token for a Portico service (client_secret_basic or client_secret_post).
         *     - `grant_type=authorization_code` (`code`, `redirect_uri`, `code_verifier`): an OAuth client redeems a code from
         *       `/api/v1/auth/authorize` once, within 60 s, with the PKCE verifier; the answer has an `id_token` when the scope
         *       has `openid`. Presenting a redeemed code again revokes the session it started.
         *     - `grant_type=refresh_token` (`refresh_token`): the refresh token is spent and the next of its family issued; a
         *       family refreshes only for the client it was issued to; reusing a spent token revokes the family. A `scope` is
         *       ignored: the answer's `scope` is the grant's.
         *
         *     A confidential OAuth client authenticates by client_secret_basic or client_secret_post; a public client sends
         *     its `client_id` and no secret (`none`). Access tokens name the OAuth client in `azp`.
         */
        post: operations["token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/userinfo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OpenID Connect userinfo
         * @description For an access token with scope `openid`; `email` with scope `email`, `name` with scope `profile`.
         */
        get: operations["userInfo"];
        put?: never;
        /** OpenID Connect userinfo (POST) */
        post: operations["userInfoPost"];
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
        /** @description OpenID Connect Discovery 1.0 / RFC 8414 metadata. */
        Discovery: {
            authorization_endpoint: string;
            authorization_response_iss_parameter_supported?: boolean;
            claims_supported?: string[];
            code_challenge_methods_supported?: string[];
            end_session_endpoint?: string;
            grant_types_supported?: string[];
            id_token_signing_alg_values_supported: string[];
            introspection_endpoint?: string;
            issuer: string;
            jwks_uri: string;
            prompt_values_supported?: string[];
            response_modes_supported?: string[];
            response_types_supported: string[];
            revocation_endpoint?: string;
            scopes_supported?: string[];
            subject_types_supported: string[];
            token_endpoint: string;
            token_endpoint_auth_methods_supported?: string[];
            userinfo_endpoint?: string;
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
        LoginForm: {
            /** @description Must equal the HttpOnly CSRF cookie. */
            csrf_token: string;
            email: string;
            password: string;
            /** @description The signed authorization request the page was served for. */
            request: string;
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
        OAuthTokens: {
            /** @description An `at+jwt` access token naming the client in `azp`. */
            access_token: string;
            expires_in: number;
            /** @description ES256, `typ` JWT, `aud` the client; when the scope has `openid` (not on refresh). */
            id_token?: string;
            refresh_token: string;
            scope: string;
            /** @enum {string} */
            token_type: "Bearer";
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
        TokenRequest: {
            client_id?: string;
            client_secret?: string;
            code?: string;
            code_verifier?: string;
            /** @description `authorization_code`, `refresh_token` or `client_credentials`; any other is `unsupported_grant_type`. */
            grant_type: string;
            redirect_uri?: string;
            refresh_token?: string;
            scope?: string;
        };
        UserInfo: {
            email?: string;
            name?: string;
            /** Format: uuid */
            sub: string;
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
        /** @description The token lacks scope `openid` (code `INSUFFICIENT_SCOPE`, `Bearer error="insufficient_scope"`). */
        InsufficientScope: {
            headers: {
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No valid access token (code `INVALID_TOKEN`); `WWW-Authenticate` says `Bearer error="invalid_token"` (RFC 6750 §3). */
        InvalidBearer: {
            headers: {
                "WWW-Authenticate"?: string;
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
        /** @description A missing or malformed parameter (`error` `invalid_request`), or a token type that cannot be revoked (`unsupported_token_type`, RFC 7009 §2.2.1); its `code` is the `error` in capitals (`INVALID_REQUEST`, `UNSUPPORTED_TOKEN_TYPE`). An RFC 9457 problem that carries RFC 6749 §5.2 `error` and `error_description`, sent as `application/json` as RFC 6749 requires. */
        OAuthBadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["OAuthProblem"];
            };
        };
        /** @description Client authentication failed, or the caller may not use this endpoint (`error` `invalid_client`, code `INVALID_CLIENT`). */
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
        /** @description Too many requests (codes `LOGIN_THROTTLED`, `REGISTRATION_THROTTLED`, `ROTATION_THROTTLED` from the auth service; `RATE_LIMITED`, `LOGIN_RATE_LIMITED` from the gateway, which may send it on every routed operation). */
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
        /** @description The user's claims, as the token's scopes allow. */
        UserInfo: {
            headers: {
                "Cache-Control"?: "no-store";
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["UserInfo"];
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
    authorize: {
        parameters: {
            query?: {
                client_id?: string;
                code_challenge?: string;
                code_challenge_method?: string;
                nonce?: string;
                prompt?: string;
                redirect_uri?: string;
                response_mode?: string;
                response_type?: string;
                scope?: string;
                state?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The login page. */
            200: {
                headers: {
                    "Content-Security-Policy"?: string;
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description An error sent back to the client's redirect_uri (`error`, `error_description`, `state`, `iss`). */
            302: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description An HTML page: the client is unknown or the redirect_uri is not exactly one it registered; or (a problem) a parameter is repeated or too long. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                    "text/html": string;
                };
            };
            429: components["responses"]["TooManyRequests"];
        };
    };
    submitLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["LoginForm"];
            };
        };
        responses: {
            /** @description Signed in; back to the client with `code`, `state` and `iss`. */
            303: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The page again (wrong credentials, an expired page) as HTML; or a malformed form (a problem). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                    "text/html": string;
                };
            };
            /** @description A cross-site post, or a CSRF cookie or token that is missing or does not match (HTML page); nobody is signed in. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Too many attempts (the login throttle, an HTML page; or the gateway's `LOGIN_RATE_LIMITED` problem). */
            429: {
                headers: {
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                    "text/html": string;
                };
            };
            /** @description Too many password checks are waiting (HTML page); try again after `Retry-After`. */
            503: {
                headers: {
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    endSession: {
        parameters: {
            query?: {
                client_id?: string;
                id_token_hint?: string;
                post_logout_redirect_uri?: string;
                state?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out (a page). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Signed out; back to the client's post_logout_redirect_uri with `state`. */
            302: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request cannot be trusted (HTML page); or a parameter is repeated or too long (a problem). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                    "text/html": string;
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
    token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description Tokens. */
            200: {
                headers: {
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceToken"] | components["schemas"]["OAuthTokens"];
                };
            };
            /** @description `error` `invalid_request` (a missing or malformed parameter), `invalid_grant` (the code or refresh token is unknown, expired, spent, for another client or redirect_uri, or the code_verifier does not match), `unsupported_grant_type`, or `invalid_scope` (client_credentials). An RFC 9457 problem that carries RFC 6749 §5.2 `error` and `error_description`, as `application/json` (RFC 6749 §5.2); nothing was written. Its `code` is the `error` in capitals (`INVALID_REQUEST`, `INVALID_GRANT`, `UNSUPPORTED_GRANT_TYPE`, `INVALID_SCOPE`), or `VALIDATION_FAILED` for a form the spec refuses. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthProblem"];
                };
            };
            /** @description Unknown client, wrong or missing secret, or a secret from a public client (`error` `invalid_client`, code `INVALID_CLIENT`). */
            401: {
                headers: {
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthProblem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    userInfo: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["UserInfo"];
            401: components["responses"]["InvalidBearer"];
            403: components["responses"]["InsufficientScope"];
            429: components["responses"]["TooManyRequests"];
        };
    };
    userInfoPost: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["UserInfo"];
            401: components["responses"]["InvalidBearer"];
            403: components["responses"]["InsufficientScope"];
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
