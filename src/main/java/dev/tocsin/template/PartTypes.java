package dev.tocsin.template;

import io.quarkus.qute.Variant;

/** What each template part is rendered as, which decides how inserted values are escaped or isolated. */
final class PartTypes {

    /** Content types that Isolates leaves alone: one-line subjects and push texts. */
    static final String SUBJECT = "text/x-subject";
    static final String PUSH = "text/x-push";

    private PartTypes() {
    }

    /**
     * HTML, the email text and the SMS isolate inserted values (renderSms drops them again where they would cost
     * an SMS its GSM-7 encoding or a segment); the subject and the push texts do not.
     */
    static String of(String file) {
        if (file.endsWith(".html")) {
            return Variant.TEXT_HTML;
        }
        return switch (file) {
            case "email-subject.txt" -> SUBJECT;
            case "push.txt", "push-title.txt" -> PUSH;
            default -> Variant.TEXT_PLAIN;
        };
    }
}
