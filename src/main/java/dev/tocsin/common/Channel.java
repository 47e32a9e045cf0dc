package dev.tocsin.common;

import java.util.Arrays;
import java.util.Optional;

/**
 * A way to reach a person. The order is the order a worker sends a batch's channels in. Adding a channel is
 * one constant here and one package under channel/ with a {@code delivery.ChannelSender}.
 */
public enum Channel {
    EMAIL, SMS, PUSH;

    public String code() {
        return name().toLowerCase();
    }

    public static Optional<Channel> fromCode(String code) {
        return Arrays.stream(values()).filter(c -> c.code().equalsIgnoreCase(code == null ? "" : code.strip())).findFirst();
    }
}
