package tmdb.ingestion.file;

import tmdb.ingestion.config.Seed;

/**
 * Which file a line comes from, as the records carry it through the pipeline: immutable, so that readers and senders
 * can hold it without touching the file's state, which only the lifecycle changes. The {@code id} tells apart two
 * files that had the same path one after the other (a file rewritten in place, or claimed again after a hand-over):
 * outcomes of an old one never count for a new one.
 *
 * @param id           this account of the file, unique in the process
 * @param identity     the file's path under the data folder, e.g. {@code movie/new/part-0001.jsonl}
 * @param partition    the files partition it belongs to
 * @param identityHash the hash of the identity the seeded draws of its lines start from
 */
public record SourceFile(long id, String identity, String type, String label, int partition, long identityHash) {

    public static SourceFile of(long id, String identity, String type, String label, int partition) {
        return new SourceFile(id, identity, type, label, partition, Seed.hash(identity));
    }

    @Override
    public String toString() {
        return identity;
    }
}
