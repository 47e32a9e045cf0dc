package dev.tocsin.campaign;

import java.util.Arrays;
import java.util.Optional;

/** A way to reach a person. */
public enum Channel {
    EMAIL, SMS, PUSH;

    public String code() {
        return name().toLowerCase();
    }

    public static Optional<Channel> fromCode(String code) {
        return Arrays.stream(values()).filter(c -> c.code().equalsIgnoreCase(code == null ? "" : code.strip())).findFirst();
    }
}
