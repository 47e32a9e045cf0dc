package dev.tocsin.common;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The API's contract as client generators read it (/q/openapi): the three ways to sign in, as they really
 * work, required by every operation unless it says otherwise, and a description per tag.
 */
@OpenAPIDefinition(
        info = @Info(title = "Tocsin API", version = "1",
                description = "Mass breach notification: incidents, affected accounts, campaigns, deliveries."),
        security = {@SecurityRequirement(name = "basic"), @SecurityRequirement(name = "apiToken"),
                @SecurityRequirement(name = "oidc")},
        tags = {
                @Tag(name = "Incidents", description = "What happened and when; everything else hangs off an incident."),
                @Tag(name = "Affected accounts", description = "Streamed CSV/NDJSON upload of the people an incident exposed, with row-by-row errors."),
                @Tag(name = "Campaigns", description = "Notices to a segment of an incident's accounts: draft, four-eyes approval, launch, pause, cancel, stats."),
                @Tag(name = "Push subscriptions", description = "Browsers' Web Push subscriptions, registered by the company's web app."),
                @Tag(name = "Support", description = "Did a person get the notice: deliveries by account, email, phone or the reference read out on the phone."),
                @Tag(name = "Recipients", description = "Public HTML pages, no sign-in: the advisory page behind a notice's link, its acknowledgement, and /verify for a reference."),
                @Tag(name = "Audit", description = "The append-only trail of every state-changing request."),
                @Tag(name = "Users", description = "Built-in users and their roles (admin)."),
                @Tag(name = "API tokens", description = "Personal tokens for scripts, shown once."),
                @Tag(name = "Provider webhooks", description = "Callbacks from providers, checked by their signatures.")})
@SecuritySchemes({
        @SecurityScheme(securitySchemeName = "basic", type = SecuritySchemeType.HTTP, scheme = "basic",
                description = "A built-in user's name and password."),
        @SecurityScheme(securitySchemeName = "apiToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
                bearerFormat = "tcs_...", description = "A personal API token from POST /api/tokens."),
        @SecurityScheme(securitySchemeName = "oidc", type = SecuritySchemeType.HTTP, scheme = "bearer",
                bearerFormat = "JWT", description = "An access token of the configured OIDC provider (TOCSIN_OIDC_ENABLED).")})
public class ApiDocument extends Application {
}
