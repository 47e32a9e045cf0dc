package dev.tocsin.channel.letter;

import io.smallrye.config.ConfigMapping;

import java.util.List;

/** Letters by post: where the fonts embedded in letters are found, and how many letters a batch holds at most. */
@ConfigMapping(prefix = "tocsin.letter")
public interface LetterConfig {

    /** Folders searched (recursively) for the TrueType fonts letters embed: Latin, Arabic, Japanese. */
    List<String> fontDirs();

    /** Most letters in one mail-house batch. */
    int maxBatch();
}
