package tmdb.ingestion.loader;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A bucket that cannot be listed is said at once, then once a minute while it lasts, and its recovery once. */
class ListingFailuresTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aLastingFailureIsSaidAtOnceThenOnceAMinuteAndItsEndOnce() {
        ListingFailures failures = new ListingFailures();
        long start = 1_000 * SECOND;
        assertThat(failures.listed(start)).as("nothing failed").isNull();

        assertThat(failures.failed("s3://raw/ could not be listed: S3 answered 503", start))
                .startsWith("s3://raw/ could not be listed: S3 answered 503. Nothing is announced until it is listed "
                        + "again");
        int said = 1;
        // a pass every 10 s for an hour
        for (long at = start + 10 * SECOND; at <= start + 3600 * SECOND; at += 10 * SECOND) {
            String line = failures.failed("s3://raw/ could not be listed: S3 answered 503", at);
            if (line != null) {
                said++;
                assertThat(line).endsWith("(failing for " + (at - start) / SECOND + " s)");
            }
        }
        assertThat(said).as("the first failure, then one a minute").isEqualTo(61);

        assertThat(failures.listed(start + 3605 * SECOND))
                .isEqualTo("The bucket is listed again, after 3605 s of failed listings");
        assertThat(failures.listed(start + 3615 * SECOND)).as("said once").isNull();
        assertThat(failures.failed("s3://raw/ could not be listed: timeout", start + 3700 * SECOND))
                .as("a new failure is said at once").startsWith("s3://raw/ could not be listed: timeout. Nothing");
    }
}
