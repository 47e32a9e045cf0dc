package dev.tocsin.common;

import jakarta.ws.rs.core.MultivaluedMap;

/** The headers every HTML page of ours answers with, given its Content-Security-Policy. */
public final class PageHeaders {

    private PageHeaders() {
    }

    /** Never framed, no type sniffing, no Referer leaving with a token or id in it, never kept by a cache. */
    public static void apply(MultivaluedMap<String, Object> h, String contentSecurityPolicy) {
        h.putSingle("Content-Security-Policy", contentSecurityPolicy);
        h.putSingle("X-Content-Type-Options", "nosniff");
        h.putSingle("Referrer-Policy", "no-referrer");
        h.putSingle("X-Frame-Options", "DENY");
        h.putSingle("Cache-Control", "no-store");
    }
}
