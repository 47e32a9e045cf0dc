package dev.tocsin.template;

/** A notice rendered for one recipient: what goes into the MIME message. */
public record RenderedEmail(String subject, String html, String text) {
}
