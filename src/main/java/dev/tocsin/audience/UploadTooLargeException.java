package dev.tocsin.audience;

import java.io.IOException;

/** The body went past the configured upload limit. */
public class UploadTooLargeException extends IOException {
    public UploadTooLargeException(long limit) {
        super("the upload is larger than the limit of " + limit + " bytes (tocsin.upload.max-bytes); split the file");
    }
}
