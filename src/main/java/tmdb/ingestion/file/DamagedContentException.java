package tmdb.ingestion.file;

import java.io.IOException;

/**
 * Compressed data that cannot be decompressed from some point on: damaged, or cut short. The message names the
 * compressed byte offset; the lines before it were read.
 */
public final class DamagedContentException extends IOException {

    DamagedContentException(String message) {
        super(message);
    }
}
