package tmdb.ingestion.checkpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;

import tmdb.ingestion.config.ConfigurationException;

/**
 * Which deployment checkpoints belong to: two deployments that share a checkpoint topic (the default one) must not
 * take each other's checkpoints for their own, or each skips the other's files as finished. By default a
 * deployment is its data folder and target topics; {@code ingestion.deployment-id} names it explicitly (to move a
 * deployment to another folder path, or to run it on several machines with different mount points).
 *
 * @param id          stored with each checkpoint and in its key
 * @param description what the id stands for, for messages
 */
public record Deployment(String id, String description) {

    /** The explicit id when given, or one derived from the data folder and the target topics. */
    public static Deployment of(String explicitId, Path dataDir, Collection<String> topics) {
        if (!explicitId.isBlank()) {
            String id = explicitId.trim();
            if (id.contains("|")) {
                throw new ConfigurationException("ingestion.deployment-id=" + id + " contains '|', which separates "
                        + "the deployment from the file in a checkpoint's key: choose an id without it.");
            }
            return new Deployment(id, "ingestion.deployment-id=" + id);
        }
        String description = "data folder " + dataDir.toAbsolutePath().normalize() + ", topics "
                + String.join(",", new TreeSet<>(topics));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(description.getBytes(StandardCharsets.UTF_8));
            return new Deployment(HexFormat.of().formatHex(digest, 0, 6), description);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
