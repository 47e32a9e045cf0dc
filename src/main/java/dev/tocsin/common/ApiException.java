package dev.tocsin.common;

import java.util.List;

/** A refusal the caller can act on: an HTTP status, a stable code and a sentence saying what to do. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<?> details;

    public ApiException(int status, String code, String message, List<?> details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details == null ? List.of() : details;
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(404, what + "_not_found", "No " + what.replace('_', ' ') + " with id '" + id + "'.");
    }

    public static ApiException badRequest(String code, String message, List<?> details) {
        return new ApiException(400, code, message, details);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<?> details() {
        return details;
    }

    public ApiError toError() {
        return new ApiError(code, getMessage(), details);
    }
}
