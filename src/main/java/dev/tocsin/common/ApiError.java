package dev.tocsin.common;

import java.util.List;

/** The one error shape every 4xx/5xx answer has (see shared/API.md). */
public record ApiError(String error, String message, List<?> details) {

    public static ApiError of(String error, String message) {
        return new ApiError(error, message, List.of());
    }
}
