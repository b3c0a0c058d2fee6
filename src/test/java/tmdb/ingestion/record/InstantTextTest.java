package tmdb.ingestion.record;

import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InstantTextTest {

    @Test
    void writesASecondExactlyAsInstantDoes() {
        SplittableRandom random = new SplittableRandom(1);
        long[] edges = {0, -1, 59, 3599, 86_399, 86_400, 951_782_400, 1_735_689_599, 1_767_225_600, 253_402_300_799L};
        for (long second : edges) {
            assertThat(InstantText.ofEpochSecond(second)).isEqualTo(Instant.ofEpochSecond(second).toString());
        }
        for (int i = 0; i < 100_000; i++) {
            long second = random.nextLong(-62_167_219_200L, 253_402_300_800L);
            assertThat(InstantText.ofEpochSecond(second)).isEqualTo(Instant.ofEpochSecond(second).toString());
        }
    }

    @Test
    void writesAMicrosecondWithSixDigitsThatParseBackToTheSameInstant() {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 100_000; i++) {
            long micro = random.nextLong(0, 4_102_444_800_000_000L);
            Instant instant = Instant.ofEpochSecond(micro / 1_000_000, micro % 1_000_000 * 1000);
            String text = InstantText.ofEpochMicro(micro);
            assertThat(text).hasSize(27).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
            assertThat(Instant.parse(text)).isEqualTo(instant);
        }
    }

    @Test
    void fallsBackToInstantOutsideFourDigitYears() {
        assertThat(InstantText.ofEpochSecond(253_402_300_800L)).isEqualTo(Instant.ofEpochSecond(253_402_300_800L)
                .toString());
    }
}
