package dev.tocsin.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A way to reach a person. The order is the order a worker sends a batch's channels in. Adding a channel is
 * one constant here and one package under channel/ with a {@code delivery.ChannelSender}.
 */
public enum Channel {
    EMAIL, SMS, PUSH, LETTER;

    /** Looked up for every claimed delivery: a map, not a scan. */
    private static final Map<String, Channel> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Channel::code, Function.identity()));

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Channel> fromCode(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(BY_CODE.get(code.strip().toLowerCase(Locale.ROOT)));
    }
}
