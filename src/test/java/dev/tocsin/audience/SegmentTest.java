package dev.tocsin.audience;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SegmentTest {

    @Test
    void emptyListsMeanNoRestriction() {
        Segment.Sql sql = Segment.everyone().toSql();
        assertEquals("1 = 1", sql.where());
        assertEquals(List.of(), sql.params());
    }

    @Test
    void everyFilterBecomesABoundParameterNeverInlinedText() {
        Segment.Sql sql = new Segment(List.of("password", "password_hash"), List.of("email"), List.of("US", "BR"),
                List.of("pt")).toSql();
        assertEquals("1 = 1 AND (e.categories LIKE ? OR e.categories LIKE ?) AND e.categories LIKE ?"
                + " AND a.country IN (?,?) AND ((COALESCE(a.locale, 'en') = ? OR a.locale LIKE ?))", sql.where());
        assertEquals(List.of("%;password;%", "%;password_hash;%", "%;email;%", "US", "BR", "pt", "pt-%"), sql.params());
    }
}
