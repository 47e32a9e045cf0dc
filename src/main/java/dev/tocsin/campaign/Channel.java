package dev.tocsin.campaign;

import java.util.Arrays;
import java.util.Optional;

/** A way to reach a person. Only email is wired to a provider so far. */
public enum Channel {
    EMAIL(true), SMS(false), PUSH(false);

    public final boolean available;

    Channel(boolean available) {
        this.available = available;
    }

    public String code() {
        return name().toLowerCase();
    }

    public static Optional<Channel> fromCode(String code) {
        return Arrays.stream(values()).filter(c -> c.code().equalsIgnoreCase(code == null ? "" : code.strip())).findFirst();
    }
}
