package tmdb.ingestion.file;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tmdb.ingestion.content.StoredObject;

/**
 * The files the lifecycle knows, indexed the ways it looks them up: by account id (what the pipeline's events name),
 * by the path they hold (one file per path at a time: a claim for a path that holds another file waits), the claims
 * waiting to be opened, and the files waiting for a reader, in order. Only the lifecycle's thread uses it.
 */
final class FileTable {

    private final Map<Long, TrackedFile> byId = new LinkedHashMap<>();
    private final Map<String, TrackedFile> atPath = new HashMap<>();
    private final Map<String, TrackedFile> claims = new LinkedHashMap<>();
    private final ArrayDeque<TrackedFile> readQueue = new ArrayDeque<>();
    private int readers;
    /** Written on the lifecycle's thread only; read by others through {@link FileLifecycle#lastClaimId}. */
    private volatile long lastId;

    /** A new claim of a file: a new account, waiting to be opened. */
    TrackedFile claim(Claim claim, Path location) {
        return waiting(new TrackedFile(source(claim), claim, location));
    }

    /** A new claim of an object: a new account, waiting to be opened. */
    TrackedFile claim(Claim claim, StoredObject object) {
        return waiting(new TrackedFile(source(claim), claim, object));
    }

    long lastId() {
        return lastId;
    }

    private SourceFile source(Claim claim) {
        return SourceFile.of(++lastId, claim.identity(), claim.type(), claim.label(), claim.partition());
    }

    private TrackedFile waiting(TrackedFile file) {
        byId.put(file.source().id(), file);
        claims.put(file.identity(), file);
        return file;
    }

    TrackedFile waitingClaim(String identity) {
        return claims.get(identity);
    }

    List<TrackedFile> waitingClaims() {
        return new ArrayList<>(claims.values());
    }

    /** The opened file that its path holds, if any. */
    TrackedFile atPath(String identity) {
        return atPath.get(identity);
    }

    /** The claim was opened: the file holds its path now. */
    void opened(TrackedFile file) {
        claims.remove(file.identity(), file);
        atPath.put(file.identity(), file);
    }

    /** The file no longer holds its path (moved, or ended): a claim waiting for the path may be opened. */
    void leftPath(TrackedFile file) {
        atPath.remove(file.identity(), file);
        claims.remove(file.identity(), file);
    }

    TrackedFile get(SourceFile source) {
        return byId.get(source.id());
    }

    /** Every file known, in the order they were claimed. */
    List<TrackedFile> files() {
        return new ArrayList<>(byId.values());
    }

    /** Forgets an ended file once no reader holds it any more (its channel is closed then). */
    void forget(TrackedFile file) {
        leftPath(file);
        readQueue.remove(file);
        if (!file.readerActive()) {
            byId.remove(file.source().id());
        }
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    void queueForReading(TrackedFile file) {
        readQueue.remove(file);
        readQueue.add(file);
    }

    /** Queues a file that waited to be readable (a compressed file, until it was quiet), unless it is queued. */
    void queueIfNotQueued(TrackedFile file) {
        if (!readQueue.contains(file)) {
            readQueue.add(file);
        }
    }

    void unqueue(TrackedFile file) {
        readQueue.remove(file);
    }

    /** The next file waiting for a reader, or null. */
    TrackedFile nextToRead() {
        return readQueue.poll();
    }

    /** Puts a file back at the head of the queue (its reader could not be started). */
    void readFirst(TrackedFile file) {
        readQueue.addFirst(file);
    }

    int readers() {
        return readers;
    }

    void readerStarted() {
        readers++;
    }

    void readerEnded() {
        readers--;
    }

    Collection<TrackedFile> claimsAndFiles() {
        return byId.values();
    }
}
