package dev.tocsin.console;

import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Who is looking at a console page, and whether they may: nobody signed in goes to the sign-in page (and back
 * afterwards), a user without the page's role gets a page that says which role it takes, not a bare 403.
 */
@RequestScoped
public class ConsoleAccess {

    @Inject
    SecurityIdentity identity;

    @Inject
    io.quarkus.vertx.http.runtime.CurrentVertxRequest request;

    @io.quarkus.qute.Location("console/needs-role.html")
    Template needsRole;

    public boolean signedIn() {
        return !identity.isAnonymous();
    }

    public String user() {
        return identity.getPrincipal().getName();
    }

    public List<String> roles() {
        return identity.getRoles().stream().sorted().toList();
    }

    /** The roles as one would say them: "operator, support". */
    public String rolesText() {
        return String.join(", ", roles());
    }

    public boolean has(String role) {
        return identity.hasRole(role);
    }

    /** Empty when the page may be shown; else the answer to give instead. */
    public Optional<Response> refuse(String path, String... anyOf) {
        if (!signedIn()) {
            return Optional.of(Response.seeOther(URI.create("/console/login?next="
                    + URLEncoder.encode(path, StandardCharsets.UTF_8))).build());
        }
        if (anyOf.length > 0 && Arrays.stream(anyOf).noneMatch(identity::hasRole)) {
            return Optional.of(Response.status(403).entity(page(needsRole)
                    .data("role", String.join(" or ", anyOf))).build());
        }
        return Optional.empty();
    }

    /** The token this page's forms carry ({@link ConsoleCsrf}). */
    public String csrfToken() {
        return ConsoleCsrf.tokenOf(request);
    }

    /** The form field {@link ConsoleCsrf} reads. */
    public String csrfField() {
        return ConsoleCsrf.FIELD;
    }

    /** A page with what the layout shows on every page (who is signed in, which links they have), in their language. */
    public TemplateInstance page(Template template) {
        return template.data("me", this).setLocale(locale());
    }

    private java.util.Locale locale;

    /**
     * The language of the console's words for this request: the browser's first choice (Accept-Language) among
     * the languages the console has (quarkus.locales, each a messages/msg_{tag}.properties), else English.
     */
    public java.util.Locale locale() {
        if (locale == null) {
            locale = ConsoleLanguages.choose(request.getCurrent() == null ? null
                    : request.getCurrent().request().getHeader("Accept-Language"));
        }
        return locale;
    }

    /** The page's language tag, for the html element's lang attribute. */
    public String lang() {
        return locale().toLanguageTag();
    }

    /** A path inside the console to go back to after signing in (never another site). */
    public static String safeNext(String next) {
        if (next == null || !next.startsWith("/console") || next.startsWith("//") || next.contains("\\")
                || next.length() > 500 || next.chars().anyMatch(ch -> ch < 0x21 || ch == 0x7f)) {
            return "/console";
        }
        return next;
    }
}
