package tmdb.ingestion.file;

import java.util.List;

/**
 * A chunk of a file's lines, and the file's first bytes as its reader had read them by the chunk's end (null when the
 * reader does not record them): the lifecycle takes them in with the chunk, so that a checkpoint taken of these lines
 * names the content they were read from, even before the reader ends.
 */
public record LineChunk(List<SourceLine> lines, byte[] head) {
}
