package tmdb.ingestion.loader;

import java.util.concurrent.TimeUnit;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bucket that cannot be listed is said at once, then once a minute while it lasts, and its recovery once; it is
 * listed again after a back-off, and readiness shows it until it is listed.
 */
class ListingFailuresTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aLastingFailureIsSaidAtOnceThenOnceAMinuteAndItsEndOnce() {
        ListingFailures failures = new ListingFailures(10_000);
        long start = 1_000 * SECOND;
        assertThat(failures.listed(start)).as("nothing failed").isNull();

        assertThat(failures.failed("s3://raw/ could not be listed: S3 answered 503", start))
                .startsWith("s3://raw/ could not be listed: S3 answered 503. Nothing is announced until it is listed "
                        + "again (tried again after 10000 ms, then at intervals doubled");
        int said = 1;
        // a timer pass every 10 s for an hour: those the back-off lets through list, and fail
        int listings = 1;
        for (long at = start + 10 * SECOND; at <= start + 3600 * SECOND; at += 10 * SECOND) {
            if (!failures.due(at)) {
                continue;
            }
            listings++;
            String line = failures.failed("s3://raw/ could not be listed: S3 answered 503", at);
            if (line != null) {
                said++;
                assertThat(line).endsWith("(failing for " + (at - start) / SECOND + " s)");
            }
        }
        // 10, 20, 40 s, then a minute: 4 listings in the first 70 s, then one a minute
        assertThat(listings).as("listings in an hour, backed off").isEqualTo(4 + (3600 - 70) / 60);
        assertThat(said).as("the first failure, then about one a minute").isBetween(55, 61);
        assertThat(failures.problem(start + 3600 * SECOND)).get(InstanceOfAssertFactories.STRING)
                .startsWith("s3://raw/ could not be listed: S3 answered 503 (failing for 3600 s; listed again in "
                        + "about ");

        assertThat(failures.listed(start + 3605 * SECOND))
                .isEqualTo("The bucket is listed again, after 3605 s of failed listings");
        assertThat(failures.listed(start + 3615 * SECOND)).as("said once").isNull();
        assertThat(failures.problem(start + 3615 * SECOND)).as("ready again").isEmpty();
        assertThat(failures.due(start + 3615 * SECOND)).isTrue();
        assertThat(failures.failed("s3://raw/ could not be listed: timeout", start + 3700 * SECOND))
                .as("a new failure is said at once").startsWith("s3://raw/ could not be listed: timeout. Nothing");
    }

    /** The listing stops here (partition 0 went to another instance): what failed is no longer this instance's. */
    @Test
    void aListingThatStopsHereShowsNothingAndStartsAtOnceWhenItComesBack() {
        ListingFailures failures = new ListingFailures(10_000);
        long start = 1_000 * SECOND;
        failures.failed("s3://raw/ could not be listed: S3 answered 503", start);
        failures.failed("s3://raw/ could not be listed: S3 answered 503", start + 10 * SECOND);
        assertThat(failures.due(start + 11 * SECOND)).as("backed off").isFalse();

        failures.reset();

        assertThat(failures.problem(start + 11 * SECOND)).as("readiness not down for a listing it no longer makes")
                .isEmpty();
        assertThat(failures.due(start + 11 * SECOND)).isTrue();
        assertThat(failures.listed(start + 12 * SECOND)).as("no recovery to tell").isNull();
        assertThat(failures.failed("s3://raw/ could not be listed: timeout", start + 20 * SECOND))
                .as("a failure after it is a first one").contains("Nothing is announced until it is listed again");
    }
}
