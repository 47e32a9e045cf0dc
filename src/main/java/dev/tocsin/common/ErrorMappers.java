package dev.tocsin.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.stream.Collectors;

/** Turns every failure into the documented error shape; a stack trace never reaches the caller. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return json(e.status(), e.toError());
    }

    /** Set on an authentication failure for a user whose password alone is not enough (a second factor). */
    public static final String MFA_REQUIRED = "tocsin.mfa-required";

    @ServerExceptionMapper
    public Response unauthenticated(io.quarkus.security.AuthenticationFailedException e) {
        if (Boolean.TRUE.equals(e.getAttribute(MFA_REQUIRED))) {
            return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ApiError.of("mfa_required", "This user signs in with a second factor, so a password alone"
                            + " (HTTP Basic) is refused. Scripts use an API token: sign in to the console with your code,"
                            + " create one under API tokens, and send 'Authorization: Bearer <token>'."))
                    .build();
        }
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response unauthenticated(io.quarkus.security.UnauthorizedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return json(403, ApiError.of("forbidden",
                "Your roles do not allow this action. Ask an admin for the role the action needs (see the README's role table)."));
    }

    private static Response unauthorized() {
        return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                .header("WWW-Authenticate", "Basic realm=\"tocsin\"")
                .entity(ApiError.of("unauthorized", "Sign in: HTTP Basic with a Tocsin user, or 'Authorization: Bearer <token>'"
                        + " with an API token or an OIDC access token. Repeated failures lock the user for a while."))
                .build();
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<FieldError> details = e.getConstraintViolations().stream()
                .map(v -> new FieldError(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .collect(Collectors.toList());
        String fields = details.stream().map(FieldError::field).distinct().collect(Collectors.joining(", "));
        return json(400, new ApiError("invalid_request", "The request has invalid fields: " + fields + ".", details));
    }

    /** Quarkus ships its own mappers for these two; ours keep the documented error shape. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        String field = e instanceof MismatchedInputException mie && !mie.getPath().isEmpty()
                ? mie.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining("."))
                : null;
        String message;
        if (e instanceof UnrecognizedPropertyException upe) {
            message = "Unknown field '" + upe.getPropertyName() + "'.";
        } else if (e instanceof InvalidFormatException ife && ife.getTargetType() == String.class) {
            message = "Field '" + field + "' " + ife.getOriginalMessage() + ".";
        } else if (e instanceof InvalidFormatException ife) {
            message = "Field '" + field + "' has a value of the wrong type or format: '" + ife.getValue() + "'.";
        } else if (field != null) {
            message = "Field '" + field + "' could not be read: check its type.";
        } else if (e instanceof MismatchedInputException) {
            message = "The request body has the wrong shape: this endpoint takes a JSON object (its fields are in /q/openapi).";
        } else {
            message = "The request body is not valid JSON: " + withoutJavaNames(e.getOriginalMessage());
        }
        List<FieldError> details = field == null ? List.of() : List.of(new FieldError(field, message));
        return json(400, new ApiError("invalid_json", message, details));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException jpe) {
                return badJson(jpe); // Quarkus REST wraps Jackson's complaint in a 400
            }
        }
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            case 413 -> "upload_too_large";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
        String message = switch (status) {
            case 404 -> "No such resource. Check the path and the id.";
            case 415 -> "Unsupported Content-Type. See /q/openapi for the accepted types of this endpoint.";
            default -> e.getMessage() == null ? "Request refused." : e.getMessage();
        };
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        return json(status, ApiError.of(code, message));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected failure", e);
        return json(500, ApiError.of("internal_error",
                "Tocsin could not complete the request; nothing was changed by the failed step. Retry, and if it persists contact the operator with the time of the request."));
    }

    /** Jackson's wording, minus the names of our classes (a caller has no use for them, an attacker some). */
    private static String withoutJavaNames(String message) {
        if (message == null) {
            return "unreadable";
        }
        String cleaned = message.replaceAll("`[^`]*`", "a value").replaceAll("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*", "a value");
        return cleaned.length() > 300 ? cleaned.substring(0, 300) + "…" : cleaned;
    }

    private static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }

    private static String lastNode(String path) {
        // "create.request.name" -> "name": callers know the body, not our method names.
        int dot = path.indexOf('.', path.indexOf('.') + 1);
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
