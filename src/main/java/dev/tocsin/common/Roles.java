package dev.tocsin.common;

import java.util.List;

/** The five roles. What each may do is listed in the README's role table. */
public final class Roles {
    public static final String ADMIN = "admin";
    public static final String OPERATOR = "operator";
    public static final String APPROVER = "approver";
    public static final String SUPPORT = "support";
    public static final String AUDITOR = "auditor";

    public static final List<String> ALL = List.of(ADMIN, OPERATOR, APPROVER, SUPPORT, AUDITOR);

    private Roles() {
    }
}
