package tmdb.ingestion.file;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightBudgetTest {

    private static final long MIB = 1L << 20;

    @Test
    void automaticCapacityIsAThirtySecondOfTheHeapUpTo16MiB() {
        assertThat(InFlightBudget.automaticCapacity(256 * MIB)).isEqualTo(8 * MIB);
        assertThat(InFlightBudget.automaticCapacity(128 * MIB)).isEqualTo(4 * MIB);
        assertThat(InFlightBudget.automaticCapacity(512 * MIB)).isEqualTo(16 * MIB);
        assertThat(InFlightBudget.automaticCapacity(6144 * MIB)).isEqualTo(16 * MIB);
    }

    @Test
    void aRecordLargerThanTheBudgetTakesAllOfItAndGivesItBack() throws InterruptedException {
        InFlightBudget budget = new InFlightBudget(1000);
        int taken = budget.share(5000);
        budget.acquire(taken);
        assertThat(taken).isEqualTo(1000);
        assertThat(budget.bytesInFlight()).isEqualTo(1000);
        budget.release(taken);
        assertThat(budget.bytesInFlight()).isZero();
    }
}
