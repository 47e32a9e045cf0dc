package dev.tocsin.console;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * What every console page answers with (a page that sets its own policy, the framed preview of an email, keeps
 * it): scripts and styles only from this server (no inline script, so an
 * injected tag cannot run), never framed, no Referer leaving with an id in it, and never kept by a cache (the
 * pages show people's data).
 */
@Provider
@ConsolePage
public class ConsolePageHeaders implements ContainerResponseFilter {

    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object own = response.getHeaders().getFirst("Content-Security-Policy");
        Object frame = response.getHeaders().getFirst("X-Frame-Options");
        dev.tocsin.common.PageHeaders.apply(response.getHeaders(), own == null ? POLICY : own.toString());
        if (frame != null) {
            response.getHeaders().putSingle("X-Frame-Options", frame); // a preview the console frames itself
        }
    }
}
