package tmdb.ingestion.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A local file's content, through one channel opened once and kept: what is read stays that file's, even when its
 * path is moved or replaced.
 */
public final class LocalFileContent implements Content {

    private final FileChannel channel;

    private LocalFileContent(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens the file for reading. */
    public static LocalFileContent open(Path file, OpenOption... options) throws IOException {
        return new LocalFileContent(FileChannel.open(file, options));
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
        return channel.read(target, position);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
