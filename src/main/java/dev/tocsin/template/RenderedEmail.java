package dev.tocsin.template;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A notice rendered for one recipient: what goes into the MIME message. When it was spliced from a shape
 * (NoticeShapes), its HTML and text parts also come as {@link EncodedPart}s; otherwise those are null. They are
 * the sender's business: a preview's JSON shows the subject, HTML and text only.
 *
 * <p>A spliced notice's HTML and text are filled in the first time they are asked for: the email sender writes
 * 8-bit parts from the encoded pieces and never asks.
 */
public final class RenderedEmail {

    private final String subject;
    private final Supplier<String> htmlSource;
    private final Supplier<String> textSource;
    private final EncodedPart encodedHtml;
    private final EncodedPart encodedText;
    private String html;
    private String text;

    public RenderedEmail(String subject, String html, String text, EncodedPart encodedHtml, EncodedPart encodedText) {
        this(subject, null, null, encodedHtml, encodedText, html, text);
    }

    public RenderedEmail(String subject, String html, String text) {
        this(subject, html, text, null, null);
    }

    private RenderedEmail(String subject, Supplier<String> htmlSource, Supplier<String> textSource,
                          EncodedPart encodedHtml, EncodedPart encodedText, String html, String text) {
        this.subject = subject;
        this.htmlSource = htmlSource;
        this.textSource = textSource;
        this.encodedHtml = encodedHtml;
        this.encodedText = encodedText;
        this.html = html;
        this.text = text;
    }

    /** A notice whose HTML and text come from {@code html} and {@code text} when first asked for. */
    static RenderedEmail spliced(String subject, Supplier<String> html, Supplier<String> text, EncodedPart encodedHtml,
                                 EncodedPart encodedText) {
        return new RenderedEmail(subject, html, text, encodedHtml, encodedText, null, null);
    }

    @JsonProperty("subject")
    public String subject() {
        return subject;
    }

    @JsonProperty("html")
    public String html() {
        String h = html;
        if (h == null && htmlSource != null) {
            h = htmlSource.get();
            html = h;
        }
        return h;
    }

    @JsonProperty("text")
    public String text() {
        String t = text;
        if (t == null && textSource != null) {
            t = textSource.get();
            text = t;
        }
        return t;
    }

    @JsonIgnore
    public EncodedPart encodedHtml() {
        return encodedHtml;
    }

    @JsonIgnore
    public EncodedPart encodedText() {
        return encodedText;
    }

    /** The same notice with another subject (the encoded parts still match the bodies). */
    public RenderedEmail withSubject(String newSubject) {
        return new RenderedEmail(newSubject, htmlSource, textSource, encodedHtml, encodedText, html, text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RenderedEmail other && Objects.equals(subject, other.subject)
                && Objects.equals(html(), other.html()) && Objects.equals(text(), other.text());
    }

    @Override
    public int hashCode() {
        return Objects.hash(subject, html(), text());
    }

    @Override
    public String toString() {
        return "RenderedEmail[subject=" + subject + "]";
    }
}
