package dev.tocsin.audience;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The data categories a breach can expose. A fixed vocabulary so notices can name them in every language. */
public enum ExposureCategory {
    EMAIL, PASSWORD, PASSWORD_HASH, USERNAME, NAME, PHONE, ADDRESS, DATE_OF_BIRTH, SSN, NATIONAL_ID,
    PASSPORT, DRIVERS_LICENSE, PAYMENT_CARD, BANK_ACCOUNT, SECURITY_QUESTIONS, IP_ADDRESS, HEALTH, BIOMETRIC;

    public String code() {
        return name().toLowerCase();
    }

    public static Optional<ExposureCategory> fromCode(String code) {
        String normalized = code.strip().toUpperCase().replace('-', '_');
        return Arrays.stream(values()).filter(c -> c.name().equals(normalized)).findFirst();
    }

    public static Set<String> codes() {
        return Arrays.stream(values()).map(ExposureCategory::code).collect(Collectors.toCollection(TreeSet::new));
    }

    /** ";a;b;" form stored in exposure.categories, sorted so equal sets compare equal. */
    public static String toStored(Set<ExposureCategory> categories) {
        if (categories.isEmpty()) {
            return ";";
        }
        return categories.stream().map(ExposureCategory::code).sorted()
                .collect(Collectors.joining(";", ";", ";"));
    }

    public static java.util.List<String> fromStored(String stored) {
        if (stored == null) {
            return java.util.List.of();
        }
        return Arrays.stream(stored.split(";")).filter(s -> !s.isEmpty()).toList();
    }
}
