package dev.tocsin.common;

import java.util.UUID;

public final class Ids {
    private Ids() {
    }

    /** Opaque, unguessable ids for incidents, campaigns and uploads. */
    public static String newId() {
        return UUID.randomUUID().toString();
    }
}
