package tmdb.ingestion.content;

import software.amazon.awssdk.services.s3.model.S3Exception;

/** How a refusal from S3 is named in messages: its HTTP status and S3's error code. */
public final class S3Answer {

    private S3Answer() {
    }

    /** "S3 answered 404 NoSuchKey", or only the status when S3 gave no error code. */
    public static String of(S3Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return "S3 answered " + e.statusCode() + (code == null || code.isEmpty() ? "" : " " + code);
    }
}
