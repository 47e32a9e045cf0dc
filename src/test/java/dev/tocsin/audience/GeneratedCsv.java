package dev.tocsin.audience;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A CSV of affected accounts produced on the fly, so a test can upload 100k+ rows without holding them. */
final class GeneratedCsv extends InputStream {

    private static final String[] LOCALES = {"en", "es", "pt-BR", "fr", "de"};
    private final String prefix;
    private final int rows;
    private final int badEvery;
    private int next = -1; // -1: header
    private byte[] current = new byte[0];
    private int pos;

    /** badEvery > 0 gives every badEvery-th row a phone number that is not E.164. */
    GeneratedCsv(String prefix, int rows, int badEvery) {
        this.prefix = prefix;
        this.rows = rows;
        this.badEvery = badEvery;
    }

    private boolean fill() {
        if (next >= rows) {
            return false;
        }
        String line;
        if (next < 0) {
            line = "account_id,email,phone,locale,timezone,country,name,exposed\n";
        } else {
            int i = next + 1;
            String phone = badEvery > 0 && i % badEvery == 0 ? "12345" : "+1415" + (2_000_000 + i);
            line = "gen-" + prefix + "-" + i + ",user" + i + "-" + prefix + "@example.com," + phone + ","
                    + LOCALES[i % LOCALES.length] + ",UTC,US,User " + i + ",email;password_hash\n";
        }
        next++;
        current = line.getBytes(StandardCharsets.UTF_8);
        pos = 0;
        return true;
    }

    @Override
    public int read() {
        if (pos >= current.length && !fill()) {
            return -1;
        }
        return current[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (pos >= current.length && !fill()) {
            return -1;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }
}
