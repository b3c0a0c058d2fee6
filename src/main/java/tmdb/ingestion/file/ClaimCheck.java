package tmdb.ingestion.file;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.Function;

import tmdb.ingestion.content.Content;
import tmdb.ingestion.content.ObjectDisposal;
import tmdb.ingestion.content.StoredObject;

/**
 * Decides whether a path named by an announcement (data from a topic anyone with write access can fill) or found in
 * a folder may be read: it must be, resolved and normalised, a regular file directly in one of the watched
 * {@code <type>/<label>} folders, of that folder's type and label, named as the folders' file pattern says and not
 * hidden, and not a link unless the link policy allows it (a link read must point to a regular file under the data
 * folder). Its path under the data folder must be written the one way the folders write it, since it is also the
 * key of its checkpoints. Checked when a file is claimed, not only when a folder is listed: an announcement may name
 * anything.
 * <p>
 * With a bucket configured, an announcement may also name an object, {@code s3://<bucket>/<key>}: it must be of that
 * bucket, directly under {@code <prefix><type>/<label>/} of a watched type and label (those it was announced as), and
 * named as a file must be.
 */
public final class ClaimCheck {

    /** A watched folder: the type and label of its files. */
    public record Folder(String type, String label) {
    }

    /**
     * The bucket objects are read from, instead of the folders: its name, the prefix its {@code <type>/<label>/}
     * folders are under (empty, or ending with {@code /}), how one of its objects is opened (no request is made
     * until it is read), what becomes of it once settled, and the threads that read a claimed object's first bytes.
     */
    public record Bucket(String name, String prefix, Function<StoredObject, Content> opener,
                         ObjectDisposal disposal, Executor probes) {
    }

    /** How an announcement names an object rather than a path. */
    public static final String OBJECT_SCHEME = "s3://";

    /** The answer: the file to read, or why not. */
    public sealed interface Verdict permits Accepted, AcceptedObject, Refused, Gone {
    }

    /** An object that may be read. */
    public record AcceptedObject(StoredObject object) implements Verdict {
    }

    /** A file that may be read, at {@code path}, in the watched folder {@code folder}. */
    public record Accepted(Path path, Path folder) implements Verdict {
    }

    /** A path that must not be read, and why. */
    public record Refused(String reason) implements Verdict {
    }

    /** Nothing is there (any more). */
    public record Gone() implements Verdict {
    }

    private final Path dataRoot;
    private final Map<Path, Folder> folders;
    private final PathMatcher include;
    private final String includePattern;
    private final SymlinkPolicy links;
    private final Bucket bucket;

    /**
     * @param folders        the watched folders, by their absolute, normalised path
     * @param includePattern the folders' file patterns, e.g. {@code *.jsonl,*.jsonl.gz} (globs on the file's name,
     *                       separated by commas, as the folder routes' {@code antInclude} takes them)
     */
    public ClaimCheck(Path dataRoot, Map<Path, Folder> folders, String includePattern, SymlinkPolicy links) {
        this(dataRoot, folders, includePattern, links, null);
    }

    private ClaimCheck(Path dataRoot, Map<Path, Folder> folders, String includePattern, SymlinkPolicy links,
                       Bucket bucket) {
        this.bucket = bucket;
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
        this.folders = Map.copyOf(folders);
        this.includePattern = includePattern;
        // a pattern that groups its alternatives itself is taken as it is: glob groups do not nest
        this.include = FileSystems.getDefault().getPathMatcher(includePattern.contains("{") ? "glob:" + includePattern
                : "glob:{" + includePattern + "}");
        this.links = links;
    }

    /** The same check, for announcements of the bucket's objects as well. */
    public ClaimCheck withBucket(Bucket objects) {
        return new ClaimCheck(dataRoot, folders, includePattern, links, objects);
    }

    /** The bucket objects are read from, if one is configured. */
    public Optional<Bucket> bucket() {
        return Optional.ofNullable(bucket);
    }

    /** True for an announcement's name that names an object. */
    public static boolean namesAnObject(String identity) {
        return identity != null && identity.startsWith(OBJECT_SCHEME);
    }

    /**
     * Checks an object an announcement names, announced as of the given type and label, with the size and ETag the
     * announcement gives (the reads check them: a GET whose object has another ETag or size fails).
     */
    public Verdict checkObject(String identity, String type, String label, long size, String eTag) {
        if (bucket == null) {
            return new Refused("it names an object, and no bucket is configured (ingestion.source.s3.bucket)");
        }
        String folder = OBJECT_SCHEME + bucket.name() + "/" + bucket.prefix() + type + "/" + label + "/";
        if (!identity.startsWith(folder)) {
            return new Refused("it is not directly under " + folder + ", where the objects of " + type + "/" + label
                    + " are");
        }
        if (!folders.containsValue(new Folder(type, label))) {
            return new Refused(type + "/" + label + " is not a watched type and label");
        }
        String name = identity.substring(folder.length());
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.startsWith(".") || name.chars().anyMatch(c -> c < 0x20)
                || !include.matches(Path.of(name))) {
            return new Refused("its name does not match the folders' pattern " + includePattern
                    + " (hidden names, deeper keys and control characters never do)");
        }
        if (size < 0 || eTag == null || eTag.isEmpty()) {
            return new Refused("the announcement gives no size and ETag of the object");
        }
        if (size == 0) {
            return new Refused("it is empty: there is nothing to read");
        }
        return new AcceptedObject(new StoredObject(bucket.name(), identity.substring((OBJECT_SCHEME
                + bucket.name() + "/").length()), size, eTag));
    }

    /** The data folder, absolute and normalised. */
    public Path dataRoot() {
        return dataRoot;
    }

    /** A file's path under the data folder (its identity), or its absolute path when it lies outside. */
    public String identityOf(Path file) {
        Path normal = file.toAbsolutePath().normalize();
        return normal.startsWith(dataRoot) ? dataRoot.relativize(normal).toString() : normal.toString();
    }

    /** Checks a file an announcement names, announced as of the given type and label. */
    public Verdict check(String identity, String type, String label) {
        if (bucket != null) {
            return new Refused("it names a file, and this deployment reads the bucket " + OBJECT_SCHEME
                    + bucket.name() + "/" + bucket.prefix() + " instead of the folders");
        }
        if (identity == null || identity.isEmpty() || identity.indexOf('\0') >= 0) {
            return new Refused("it names no path");
        }
        Path path;
        try {
            path = dataRoot.resolve(identity).normalize();
        } catch (InvalidPathException e) {
            return new Refused("it is not a path: " + e.getMessage());
        }
        if (!identityOf(path).equals(identity)) {
            return new Refused("it is not written as a path under the data folder " + dataRoot + " (it resolves to "
                    + path + ")");
        }
        Folder folder = path.getParent() == null ? null : folders.get(path.getParent());
        if (folder == null) {
            return new Refused("it resolves to " + path + ", which is not directly in one of the watched folders "
                    + new TreeSet<>(folders.keySet().stream().map(this::identityOf).toList()));
        }
        if (!folder.type().equals(type) || !folder.label().equals(label)) {
            return new Refused("it was announced as " + type + "/" + label + ", and its folder holds "
                    + folder.type() + "/" + folder.label());
        }
        return checkFile(path);
    }

    /** Checks a file found in a watched folder (its folder is not in doubt, the file is). */
    public Verdict checkFile(Path path) {
        String name = path.getFileName().toString();
        if (name.startsWith(".") || !include.matches(path.getFileName())) {
            return new Refused("its name does not match the folders' pattern " + includePattern
                    + " (hidden names never do)");
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return new Gone();
        } catch (IOException e) {
            return new Refused("its attributes cannot be read: " + e.getMessage());
        }
        if (attributes.isSymbolicLink()) {
            return checkLink(path);
        }
        if (!attributes.isRegularFile()) {
            return new Refused(attributes.isDirectory() ? "it is a directory" : "it is not a regular file");
        }
        return new Accepted(path, path.getParent());
    }

    /** Whether a link may be followed: it is read only when allowed, and only to a regular file under the data folder. */
    private Verdict checkLink(Path link) {
        if (links == SymlinkPolicy.SKIP) {
            return new Refused("it is a symbolic link, and links are not followed (ingestion.file.symlinks=skip)");
        }
        try {
            Path target = link.toRealPath();
            if (!target.startsWith(dataRoot.toRealPath())) {
                return new Refused("it is a symbolic link to " + target + ", outside the data folder");
            }
            if (!Files.isRegularFile(target)) {
                return new Refused("it is a symbolic link to " + target + ", which is not a regular file");
            }
            return new Accepted(link, link.getParent());
        } catch (IOException e) {
            return new Refused("it is a symbolic link to nothing readable (" + e.getMessage() + ")");
        }
    }

    /** Whether links are followed when a file is opened. */
    public boolean followsLinks() {
        return links != SymlinkPolicy.SKIP;
    }
}
