package dev.tocsin.template;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The SHA-256 of a template set as a campaign renders it: every locale's parts, data-category names and
 * jurisdiction blocks (uploaded overrides included), in a fixed order, each file as "locale/file", its length
 * and its UTF-8 text. The proof report names it, so the sources kept for a campaign can be checked later.
 */
@ApplicationScoped
public class TemplateFingerprint {

    @Inject
    NoticeTemplates templates;

    public String of(TemplateSet set) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String tag : set.localeTags()) {
            TemplateSet.LocaleTemplates t = set.locales().get(tag);
            List<String> files = new ArrayList<>(NoticeTemplates.PARTS);
            files.add("categories.properties");
            t.blocksHtml().keySet().stream().sorted().forEach(key -> files.add("jurisdiction/" + key + ".html"));
            t.blocksText().keySet().stream().sorted().forEach(key -> files.add("jurisdiction/" + key + ".txt"));
            for (String file : files) {
                templates.source(set, tag, file).ifPresent(source -> {
                    byte[] text = source.getBytes(StandardCharsets.UTF_8);
                    digest.update((tag + "/" + file + "\0" + text.length + "\0").getBytes(StandardCharsets.UTF_8));
                    digest.update(text);
                });
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
