package dev.tocsin.template;

/** A push notice rendered for one recipient; the service worker shows title and body and opens the url. */
public record RenderedPush(String title, String body, String url, String reference) {
}
