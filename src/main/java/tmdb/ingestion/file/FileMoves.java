package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a file leaves its folder, or comes back to it: moved into a folder under its own name, or under a numbered one
 * when that name is taken (a collector that reuses names fills {@code .done/} with several files of one name).
 */
public interface FileMoves {

    /** Moves the file into the folder (created if missing); returns where it is now. */
    Path move(Path file, Path folder) throws IOException;

    /** The moves of the file system, as they are. */
    FileMoves ON_DISK = (file, folder) -> {
        Files.createDirectories(folder);
        String name = file.getFileName().toString();
        try {
            return Files.move(file, folder.resolve(name));
        } catch (FileAlreadyExistsException taken) {
            int dot = name.lastIndexOf('.');
            for (int attempt = 1; ; attempt++) {
                String stamp = "." + System.currentTimeMillis() + (attempt > 1 ? "-" + attempt : "");
                Path target = folder.resolve(dot > 0 ? name.substring(0, dot) + stamp + name.substring(dot)
                        : name + stamp);
                try {
                    return Files.move(file, target);
                } catch (FileAlreadyExistsException again) {
                    if (attempt >= 100) {
                        throw again;
                    }
                }
            }
        }
    };
}
