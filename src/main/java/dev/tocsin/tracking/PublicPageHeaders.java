package dev.tocsin.tracking;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * What every public page answers with, whatever its status: no script at all, styles and forms only from
 * here, never framed (no click-jacking of the acknowledge button), no Referer leaving with the token in it,
 * and not kept by shared caches (a page reached by a personal link).
 */
@Provider
@PublicPage
public class PublicPageHeaders implements ContainerResponseFilter {

    static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        dev.tocsin.common.PageHeaders.apply(response.getHeaders(), POLICY);
    }
}
