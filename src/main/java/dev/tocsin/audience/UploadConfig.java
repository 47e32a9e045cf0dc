package dev.tocsin.audience;

import io.smallrye.config.ConfigMapping;

/** Account uploads. Defaults and their reasons are in application.properties. */
@ConfigMapping(prefix = "tocsin.upload")
public interface UploadConfig {

    /** Largest accounts file accepted, in bytes. */
    long maxBytes();

    /** Rows per committed batch: an upload that breaks keeps every whole batch before the break. */
    int batchSize();
}
