package dev.tocsin.testing;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;

/** Reads what a recipient's mail client would show. */
public final class Mail {

    private Mail() {
    }

    public static String to(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String part(MimeMessage m, String mimeType) {
        try {
            return find(m, mimeType);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String find(Part part, String mimeType) throws MessagingException, IOException {
        if (part.isMimeType(mimeType)) {
            return (String) part.getContent();
        }
        if (part.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) part.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart bp = mp.getBodyPart(i);
                String found = find(bp, mimeType);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
