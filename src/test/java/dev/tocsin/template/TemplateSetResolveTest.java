package dev.tocsin.template;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TemplateSetResolveTest {

    private static final TemplateSet SET = new TemplateSet("t", "en", Map.of(
            "en", locale("en"), "es", locale("es"), "pt-BR", locale("pt-BR"), "fr", locale("fr")));

    private static TemplateSet.LocaleTemplates locale(String tag) {
        return new TemplateSet.LocaleTemplates(tag, null, null, null, null, null, null, Map.of(), Map.of(), Map.of());
    }

    @Test
    void fallsBackFromRegionToLanguageToSiblingToDefault() {
        assertEquals("pt-BR", SET.resolveTag("pt-BR"));
        assertEquals("pt-BR", SET.resolveTag("pt-br"), "tags compare case-insensitively");
        assertEquals("pt-BR", SET.resolveTag("pt-PT"), "Portuguese beats English for a pt-PT reader");
        assertEquals("pt-BR", SET.resolveTag("pt"));
        assertEquals("es", SET.resolveTag("es-MX"));
        assertEquals("fr", SET.resolveTag("fr-CA"));
        assertEquals("en", SET.resolveTag("de"));
        assertEquals("en", SET.resolveTag(null));
        assertEquals("en", SET.resolveTag("en-US"));
    }
}
