package dev.tocsin.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A personal API token (Bearer tcs_...), kept apart from OIDC's bearer tokens. */
public class ApiTokenAuthenticationRequest extends BaseAuthenticationRequest {

    private final String token;

    public ApiTokenAuthenticationRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
