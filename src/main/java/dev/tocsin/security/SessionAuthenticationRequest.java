package dev.tocsin.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** The console's session cookie, to be checked against the stored sessions. */
public class SessionAuthenticationRequest extends BaseAuthenticationRequest {

    private final String secret;

    public SessionAuthenticationRequest(String secret) {
        this.secret = secret;
    }

    public String secret() {
        return secret;
    }
}
