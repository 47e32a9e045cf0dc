package dev.tocsin.template;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A notice rendered for one recipient: what goes into the MIME message. When it was spliced from a shape
 * (NoticeShapes), its HTML and text parts also come as {@link EncodedPart}s; otherwise those are null. They are
 * the sender's business: a preview's JSON shows the subject, HTML and text only.
 */
public record RenderedEmail(String subject, String html, String text,
                            @JsonIgnore EncodedPart encodedHtml, @JsonIgnore EncodedPart encodedText) {

    public RenderedEmail(String subject, String html, String text) {
        this(subject, html, text, null, null);
    }

    /** The same notice with another subject (the encoded parts still match the bodies). */
    public RenderedEmail withSubject(String newSubject) {
        return new RenderedEmail(newSubject, html, text, encodedHtml, encodedText);
    }
}
