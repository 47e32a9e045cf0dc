package dev.tocsin.common;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MaskingTest {

    @Test
    void masksAsSupportSeesContacts() {
        assertEquals("j***@example.com", Masking.email("jane.doe@example.com"));
        assertEquals("+1******4567", Masking.phone("+14155554567"));
        assertEquals("***", Masking.email("no-at-sign"));
        assertEquals(null, Masking.email(null));
    }
}
