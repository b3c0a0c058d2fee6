package tmdb.ingestion.record;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import tmdb.ingestion.file.InFlightBudget;
import tmdb.ingestion.file.SourceLine;
import tmdb.ingestion.file.SourceFile;

/**
 * One line of a source file on its way to Kafka, from its admission to its outcome: where it came from, the key it
 * is mixed by, what preprocessing made of it (its Kafka headers, its value, or why it is rejected), where it goes,
 * and the message of its last send. Records travel in windows (a list per Camel exchange): the processors loop
 * over them, so each record costs a loop iteration, not an exchange.
 * <p>
 * A record belongs to one window at a time and is touched by one thread at a time; its budget is given back once,
 * when it is resolved.
 */
public final class Record {

    private final SourceFile file;
    private final SourceLine line;
    private final long mixKey;
    private final InFlightBudget budget;
    private int budgetBytes;
    private final Map<String, String> headers = new LinkedHashMap<>(16);

    private Long tmdbId;
    private boolean hasReservedFields;
    private int idTextStart = -1;
    private int idTextEnd = -1;
    private Rejection rejection;
    private String rejectionDetail;

    private byte[] value;
    private String topic;
    private String key;
    private Exchange sentAs;

    /**
     * @param budgetBytes the in-flight budget the record holds until it is resolved, given back to {@code budget}
     */
    public Record(SourceFile file, SourceLine line, long mixKey, InFlightBudget budget, int budgetBytes) {
        this.file = file;
        this.line = line;
        this.mixKey = mixKey;
        this.budget = budget;
        this.budgetBytes = budgetBytes;
    }

    public SourceFile file() {
        return file;
    }

    public SourceLine line() {
        return line;
    }

    /** The random but stable key the mixing stage orders a window by. */
    public long mixKey() {
        return mixKey;
    }

    public String type() {
        return file.type();
    }

    public String label() {
        return file.label();
    }

    /** The record's Kafka headers, in the order they were set (string values). */
    public Map<String, String> headers() {
        return headers;
    }

    public void header(String name, String value) {
        headers.put(name, value);
    }

    /** The record is released to Kafka now: the instant is its {@code ingest_time}. */
    public void released(String ingestTime) {
        headers.put(RecordHeaders.INGEST_TIME, ingestTime);
    }

    /** True once the record was released (a re-send does not release it again). */
    public boolean isReleased() {
        return headers.containsKey(RecordHeaders.INGEST_TIME);
    }

    // --- what validation learned -------------------------------------------------------------------------------------

    /** The TMDB id read from the line, or null when none could be read. */
    public Long tmdbId() {
        return tmdbId;
    }

    /**
     * A valid record: its id, whether it already has a field the ingester sets, and, when the id was a string of
     * digits, where its token (quotes included) starts and ends in the line's bytes.
     */
    public void validated(long id, boolean reservedFields, int idStart, int idEnd) {
        tmdbId = id;
        hasReservedFields = reservedFields;
        idTextStart = idStart;
        idTextEnd = idEnd;
    }

    /** The id the parser found, even in a line it rejects (a dead letter is keyed by it). */
    public void idFound(long id) {
        tmdbId = id;
    }

    public boolean hasReservedFields() {
        return hasReservedFields;
    }

    public boolean idNeedsNormalising() {
        return idTextStart >= 0;
    }

    public int idTextStart() {
        return idTextStart;
    }

    public int idTextEnd() {
        return idTextEnd;
    }

    /** The line will not be published to its type's topic: it becomes a dead letter. */
    public void reject(Rejection reason, String detail) {
        rejection = reason;
        rejectionDetail = detail;
    }

    public Rejection rejection() {
        return rejection;
    }

    public String rejectionDetail() {
        return rejectionDetail;
    }

    public boolean rejected() {
        return rejection != null;
    }

    // --- where it goes -----------------------------------------------------------------------------------------------

    public byte[] value() {
        return value;
    }

    public void value(byte[] bytes) {
        value = bytes;
    }

    public String topic() {
        return topic;
    }

    /** The key, or null for a record without one (a dead letter whose line had no readable id). */
    public String key() {
        return key;
    }

    public void address(String toTopic, String withKey) {
        topic = toTopic;
        key = withKey;
    }

    /** The message of its last send, whose exception (or acknowledgement) says how the send ended. */
    public Exchange sentAs() {
        return sentAs;
    }

    public void sentAs(Exchange message) {
        sentAs = message;
    }

    /** Gives the record's in-flight budget back; once, when the record is resolved. */
    public void releaseBudget() {
        if (budgetBytes > 0) {
            budget.release(budgetBytes);
            budgetBytes = 0;
        }
    }

    @Override
    public String toString() {
        return file.identity() + ":" + line.number();
    }
}
