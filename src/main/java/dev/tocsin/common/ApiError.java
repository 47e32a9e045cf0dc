package dev.tocsin.common;

import java.util.List;

/** The one error shape every 4xx/5xx answer has (declared as ApiError in /q/openapi). */
public record ApiError(String error, String message, List<?> details) {

    public static ApiError of(String error, String message) {
        return new ApiError(error, message, List.of());
    }
}
