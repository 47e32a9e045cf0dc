package dev.tocsin.template;

/**
 * A notice rendered for one recipient: what goes into the MIME message. When it was spliced from a shape
 * (NoticeShapes), its HTML and text parts also come as {@link EncodedPart}s; otherwise those are null.
 */
public record RenderedEmail(String subject, String html, String text, EncodedPart encodedHtml, EncodedPart encodedText) {

    public RenderedEmail(String subject, String html, String text) {
        this(subject, html, text, null, null);
    }

    /** The same notice with another subject (the encoded parts still match the bodies). */
    public RenderedEmail withSubject(String newSubject) {
        return new RenderedEmail(newSubject, html, text, encodedHtml, encodedText);
    }
}
