package dev.tocsin.template;

import java.io.ByteArrayOutputStream;

/**
 * A rendered part that can write itself as SMTP-ready 8-bit text (UTF-8, CRLF line ends) from bytes encoded once
 * per notice shape, rather than encoding and scanning the whole text again for every recipient.
 */
public interface EncodedPart {

    /** Whether the part can go as 8-bit SMTP lines: no line over 998 bytes, no CR or NUL of its own. */
    boolean fitsSmtpLines();

    /** Writes the UTF-8 bytes with every line end as CRLF, ending with one. */
    void writeSmtpLines(ByteArrayOutputStream out);
}
