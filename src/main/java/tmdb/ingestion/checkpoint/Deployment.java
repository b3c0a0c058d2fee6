package tmdb.ingestion.checkpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import tmdb.ingestion.config.ConfigurationException;

/**
 * Which deployment checkpoints belong to: two deployments that share a checkpoint topic (the default one) must not
 * take each other's checkpoints for their own, or each skips the other's files as finished. By default a
 * deployment is its data folder; {@code ingestion.deployment-id} names it explicitly (to move a deployment to another
 * folder path, or to run it on several machines with different mount points). Each checkpoint also records the
 * topic its file's records went to: a checkpoint for another topic than the one its type goes to now is not used
 * (the records belong in the new topic too), while adding a type changes nothing for the others.
 *
 * @param id           stored with each checkpoint and in its key
 * @param description  what the id stands for, for messages
 * @param topicsByType the topic each type's records go to
 */
public record Deployment(String id, String description, Map<String, String> topicsByType) {

    public Deployment {
        topicsByType = Map.copyOf(topicsByType);
    }

    /** The explicit id when given, or one derived from the data folder. */
    public static Deployment of(String explicitId, Path dataDir, Map<String, String> topicsByType) {
        return of(explicitId, "data folder " + dataDir.toAbsolutePath().normalize(), topicsByType);
    }

    /**
     * The explicit id when given, or one derived from where the files are: {@code source} names it (a data folder, a
     * bucket and prefix).
     */
    public static Deployment of(String explicitId, String source, Map<String, String> topicsByType) {
        if (!explicitId.isBlank()) {
            String id = explicitId.trim();
            if (id.contains("|")) {
                throw new ConfigurationException("ingestion.deployment-id=" + id + " contains '|', which separates "
                        + "the deployment from the file in a checkpoint's key: choose an id without it.");
            }
            return new Deployment(id, "ingestion.deployment-id=" + id, topicsByType);
        }
        String description = source;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(description.getBytes(StandardCharsets.UTF_8));
            return new Deployment(HexFormat.of().formatHex(digest, 0, 6), description, topicsByType);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The topic the records of a file go to; "" for an unknown type. The type is the folder above the file's label
     * folder: the first name of a path under the data folder ({@code movie/new/a.jsonl}), the third from the end of an
     * object's name ({@code s3://bucket/prefix/movie/new/a.jsonl}).
     */
    public String topicOf(String file) {
        int labelSlash = file.lastIndexOf('/');
        int typeSlash = labelSlash <= 0 ? -1 : file.lastIndexOf('/', labelSlash - 1);
        if (typeSlash <= 0) {
            return "";
        }
        int before = file.lastIndexOf('/', typeSlash - 1);
        return topicsByType.getOrDefault(file.substring(before + 1, typeSlash), "");
    }
}
