package dev.tocsin.channel.email;

import dev.tocsin.template.RenderedEmail;
import jakarta.mail.Session;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.exceptions.FailException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notices signed with DKIM, checked by verifiers that share no code with ours: Apache James jDKIM (rsa-sha256)
 * and dkimpy (rsa-sha256 and ed25519-sha256), on the exact bytes the SMTP paths send, 8-bit and base64; a
 * changed body fails.
 */
class DkimSignerTest {

    private static final Session SESSION = Session.getInstance(new Properties());
    private static final String TEXT = "Dear Zoë,\n\n.A line that starts with a dot.   \nTrailing spaces here   \nمرحبا\n\n\n";
    private static final String HTML = "<p dir=\"rtl\">مرحبا  Zoë</p>\n<p>Ref\tTCS-ABCDE-FGHJK</p>";

    private static KeyPair pair(String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("RSA")) {
            g.initialize(2048);
        }
        return g.generateKeyPair();
    }

    private static byte[] notice(DkimSigner signer, boolean eightBit) throws Exception {
        MimeMessageFactory f = MimeMessageFactoryTest.factory();
        f.dkim = signer;
        MimeMessageFactory.PrebuiltMessage built = f.build(SESSION, new OutgoingEmail(42, "c1", "zoe@example.org",
                "TCS-ABCDE-FGHJK", new RenderedEmail("Avis de sécurité — référence", HTML, TEXT)), eightBit);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        built.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void jdkimVerifiesOurRsaSignatureOnEightBitAndBase64NoticesAndRefusesAChangedBody() throws Exception {
        KeyPair rsa = pair("RSA");
        DkimSigner signer = DkimSigner.of("example.com", new DkimSigner.Key("s2026", "rsa-sha256", rsa.getPrivate()));
        String record = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(rsa.getPublic().getEncoded());
        DKIMVerifier verifier = new DKIMVerifier((method, selector, domain) -> {
            assertEquals("s2026", selector.toString());
            assertEquals("example.com", domain.toString());
            return List.of(record);
        });
        for (boolean eightBit : new boolean[]{true, false}) {
            byte[] signed = notice(signer, eightBit);
            String text = new String(signed, StandardCharsets.UTF_8);
            assertTrue(text.startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s2026;"), text);
            assertEquals(eightBit, text.contains("Content-Transfer-Encoding: 8bit"), "the path under test");
            assertEquals(1, verifier.verify(new ByteArrayInputStream(signed)).size(), "verified, eightBit=" + eightBit);

            byte[] changed = changedBody(signed);
            List<?> passed;
            try {
                passed = verifier.verify(new ByteArrayInputStream(changed));
            } catch (FailException e) {
                passed = List.of();
            }
            assertTrue(passed == null || passed.isEmpty(), "a changed body fails: " + passed);
        }
    }

    @Test
    void dkimpyVerifiesBothSignaturesOfADoublySignedNotice() throws Exception {
        KeyPair rsa = pair("RSA");
        KeyPair ed = pair("Ed25519");
        DkimSigner signer = DkimSigner.of("example.com", new DkimSigner.Key("rsa1", "rsa-sha256", rsa.getPrivate()),
                new DkimSigner.Key("ed1", "ed25519-sha256", ed.getPrivate()));
        byte[] edRaw = Arrays.copyOfRange(ed.getPublic().getEncoded(), ed.getPublic().getEncoded().length - 32,
                ed.getPublic().getEncoded().length);
        String rsaRecord = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(rsa.getPublic().getEncoded());
        String edRecord = "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(edRaw);
        for (boolean eightBit : new boolean[]{true, false}) {
            byte[] signed = notice(signer, eightBit);
            assertEquals("True True", dkimpy(signed, rsaRecord, edRecord), "both signatures verify, eightBit=" + eightBit);
            byte[] changed = changedBody(signed);
            assertEquals("False False", dkimpy(changed, rsaRecord, edRecord));
        }
    }

    /** The message with one letter of its body (well after the header) in the other case. */
    static byte[] changedBody(byte[] signed) {
        byte[] changed = signed.clone();
        int body = new String(signed, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
        for (int i = body + 120; i < changed.length; i++) {
            if (Character.isLetter(changed[i])) {
                changed[i] = (byte) (Character.isUpperCase(changed[i]) ? Character.toLowerCase(changed[i])
                        : Character.toUpperCase(changed[i]));
                break;
            }
        }
        assertFalse(Arrays.equals(signed, changed));
        return changed;
    }

    /** dkimpy's verdict on each DKIM-Signature of the message, in order ("True False", ...). */
    static String dkimpy(byte[] message, String rsaRecord, String edRecord) throws Exception {
        return dkimpy(message, java.util.Map.of("rsa1", rsaRecord, "ed1", edRecord));
    }

    @Test
    void theBodyHashIsTheRelaxedBodysAsRfc6376Section3_4_6ShowsIt() throws Exception {
        // RFC 6376 3.4.6: " C \r\nD \t E\r\n\r\n\r\n" is " C\r\nD E\r\n" in relaxed form
        byte[] message = "X: y\r\n\r\n C \r\nD \t E\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = java.security.MessageDigest.getInstance("SHA-256").digest(" C\r\nD E\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(Arrays.equals(expected, DkimSigner.bodyHash(message, 8, message.length)));
        // lines already canonical, hashed where they lie, and a last line without its CRLF
        byte[] plain = "X: y\r\n\r\nab cd\r\n\r\nef".getBytes(StandardCharsets.US_ASCII);
        assertTrue(Arrays.equals(java.security.MessageDigest.getInstance("SHA-256").digest("ab cd\r\n\r\nef\r\n"
                .getBytes(StandardCharsets.US_ASCII)), DkimSigner.bodyHash(plain, 8, plain.length)));
        // an empty body is the empty string in relaxed form (RFC 6376 3.4.4)
        byte[] empty = "X: y\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(Arrays.equals(java.security.MessageDigest.getInstance("SHA-256").digest(new byte[0]),
                DkimSigner.bodyHash(empty, 8, empty.length)));
    }

    @Test
    void aSecondDomainSignsBesideTheFirst() throws Exception {
        KeyPair company = pair("Ed25519");
        KeyPair relay = pair("RSA");
        DkimSigner signer = DkimSigner.of("example.com", new DkimSigner.Key("ed1", "ed25519-sha256", company.getPrivate()),
                new DkimSigner.Key("relay.example.net", "r1", "rsa-sha256", relay.getPrivate()));
        byte[] edRaw = Arrays.copyOfRange(company.getPublic().getEncoded(), company.getPublic().getEncoded().length - 32,
                company.getPublic().getEncoded().length);
        byte[] signed = notice(signer, true);
        String head = new String(signed, StandardCharsets.US_ASCII);
        head = head.substring(0, head.indexOf("\r\n\r\n"));
        assertTrue(head.contains("d=example.com; s=ed1") && head.contains("d=relay.example.net; s=r1"), head);
        java.util.Map<String, String> dns = java.util.Map.of(
                "ed1", "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(edRaw),
                "r1._domainkey.relay.example.net", "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(relay.getPublic().getEncoded()));
        assertEquals("True True", dkimpy(signed, dns), "each domain's signature verifies with that domain's key");
        assertEquals("False False", dkimpy(changedBody(signed), dns));
    }

    /**
     * dkimpy's verdict per signature, with these DNS records (selector -> record under example.com, or a whole
     * name selector._domainkey.domain -> record).
     */
    static String dkimpy(byte[] message, java.util.Map<String, String> records) throws Exception {
        StringBuilder table = new StringBuilder("records = {");
        records.forEach((selector, record) -> table.append("b'").append(selector)
                .append(selector.contains("._domainkey.") ? ".': b'" : "._domainkey.example.com.': b'").append(record).append("', "));
        table.append("}");
        Path script = Files.createTempFile("dkim-verify", ".py");
        Files.writeString(script, String.join("\n",
                "import sys, dkim",
                table.toString(),
                "def dns(name, timeout=5):",
                "    return records.get(name if name.endswith(b'.') else name + b'.')",
                "msg = sys.stdin.buffer.read()",
                "d = dkim.DKIM(msg)",
                "n = msg.count(b'DKIM-Signature:')",
                "def check(i):",
                "    try:",
                "        return d.verify(idx=i, dnsfunc=dns)",
                "    except dkim.ValidationError:",
                "        return False",
                "print(' '.join(str(check(i)) for i in range(n)))", ""));
        // Debian's python3-dkim lives with Debian's interpreter (another python3 may come first on the PATH)
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process p = new ProcessBuilder(python, script.toString()).start();
        p.getOutputStream().write(message);
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        Files.deleteIfExists(script);
        return out;
    }
}
