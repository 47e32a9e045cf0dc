package dev.tocsin.campaign;

import java.util.Arrays;
import java.util.Optional;

/** A way to reach a person. Push is not wired to a provider yet. */
public enum Channel {
    EMAIL(true), SMS(true), PUSH(false);

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
