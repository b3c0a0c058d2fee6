package tmdb.ingestion.file;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

/**
 * The folder routes' filter: a file passes when its path is not listed yet with the file it holds now (a file
 * replaced under its name passes again). It reads the lifecycle's published list only; the lifecycle decides what is
 * announced ({@link FileLifecycle#announce}), so a file that passes twice before the list catches up is announced once.
 */
public final class FolderListing implements GenericFileFilter<File> {

    private final FileLifecycle lifecycle;

    public FolderListing(FileLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        if (file.isDirectory()) {
            return false;
        }
        Path path = file.getFile().toPath().toAbsolutePath().normalize();
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return !key.equals(lifecycle.listed().get(path));
        } catch (IOException gone) {
            return false;
        }
    }
}
