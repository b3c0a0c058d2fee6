package tmdb.ingestion.datagen;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import tmdb.ingestion.config.CommandLine;

/**
 * Writes realistic TMDB-shaped JSONL data sets in the collector's layout ({@code <root>/<type>/<label>/part-NNNNN.jsonl}):
 * movies, TV series and people, multilingual text, record sizes with a long tail (a few records carry thousands
 * of images and exceed 1 MB), {@code change} ids drawn from the {@code old} ids, {@code new} ids beyond them.
 * The same seed and size give the same bytes.
 * <p>
 * Usage: {@code java -cp tmdb-ingestion.jar tmdb.ingestion.datagen.TmdbDataGenerator --out=DIR
 * [--records=N | --megabytes=M] [--seed=S] [--lines-per-file=L] [--types=movie,tv_series,person]}
 */
public final class TmdbDataGenerator {

    public static final List<String> TYPES = List.of("movie", "tv_series", "person");
    public static final List<String> LABELS = List.of("old", "change", "new");

    private static final double[] LABEL_SHARE = {0.6, 0.2, 0.2};
    private static final String[][] TITLES = {
        {"The Matrix", "en"}, {"Người Mẹ Bất Đắc Dĩ", "vi"}, {"千と千尋の神隠し", "ja"}, {"Брат", "ru"},
        {"Le Fabuleux Destin d'Amélie Poulain", "fr"}, {"기생충", "ko"}, {"卧虎藏龙", "zh"}, {"Cidade de Deus", "pt"},
        {"Das Leben der Anderen", "de"}, {"Y tu mamá también", "es"}, {"Hai Phượng", "vi"}, {"Сталкер", "ru"},
        {"七人の侍", "ja"}, {"La vita è bella", "it"}, {"Mùa Len Trâu", "vi"}, {"Spirited Away", "en"}};
    private static final String[] NAMES = {
        "Keanu Reeves", "Ngô Thanh Vân", "宮崎駿", "Сергей Бодров", "Audrey Tautou", "송강호", "章子怡",
        "Trần Anh Hùng", "Laurence Fishburne", "三船敏郎", "Фёдор Бондарчук", "Juliette Binoche", "Lê Văn Khoa"};
    private static final String[] WORDS = {
        "a", "hacker", "discovers", "reality", "is", "simulation", "cuộc", "sống", "gia", "đình", "少女", "の",
        "冒険", "история", "о", "войне", "une", "femme", "rêve", "of", "the", "city", "and", "its", "secrets",
        "những", "người", "trẻ", "tuổi", "家族", "との", "日々", "журналист", "ищет", "правду"};
    private static final String[] JOBS = {"Director", "Writer", "Producer", "Editor", "Composer", "Cinematography"};
    private static final String[] DEPARTMENTS = {"Directing", "Writing", "Production", "Editing", "Sound", "Camera"};

    private final long seed;
    private final JsonFactory json = JsonFactory.builder().build();

    public TmdbDataGenerator(long seed) {
        this.seed = seed;
    }

    /** Counts of what was written, by {@code type/label}. */
    public record Manifest(Map<String, Long> records, Map<String, List<Long>> ids, long bytes) {

        public long totalRecords() {
            return records.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Writes about {@code records} records in all, spread over the types and labels.
     *
     * @param root         the data folder
     * @param types        the types to write
     * @param records      the total number of records
     * @param linesPerFile most lines in one file
     */
    public Manifest generate(Path root, List<String> types, long records, int linesPerFile) throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, List<Long>> ids = new LinkedHashMap<>();
        long bytes = 0;
        long perType = Math.max(1, records / types.size());
        for (String type : types) {
            SplittableRandom random = new SplittableRandom(seed ^ type.hashCode());
            long oldCount = Math.max(1, Math.round(perType * LABEL_SHARE[0]));
            long changeCount = Math.max(1, Math.round(perType * LABEL_SHARE[1]));
            long newCount = Math.max(1, perType - oldCount - changeCount);
            List<Long> oldIds = new ArrayList<>();
            long id = 1 + random.nextInt(10);
            for (long i = 0; i < oldCount; i++) {
                oldIds.add(id);
                id += 1 + random.nextInt(3);
            }
            List<Long> changeIds = new ArrayList<>();
            for (long i = 0; i < changeCount; i++) {
                changeIds.add(oldIds.get(random.nextInt(oldIds.size())));
            }
            List<Long> newIds = new ArrayList<>();
            for (long i = 0; i < newCount; i++) {
                id += 1 + random.nextInt(3);
                newIds.add(id);
            }
            Map<String, List<Long>> byLabel = Map.of("old", oldIds, "change", changeIds, "new", newIds);
            for (String label : LABELS) {
                List<Long> labelIds = byLabel.get(label);
                bytes += writeFolder(root.resolve(type).resolve(label), type, labelIds, linesPerFile, random);
                counts.put(type + "/" + label, (long) labelIds.size());
                ids.put(type + "/" + label, labelIds);
            }
        }
        return new Manifest(counts, ids, bytes);
    }

    /** Writes records until the data set holds about {@code megabytes} MB. */
    public Manifest generateMegabytes(Path root, List<String> types, long megabytes, int linesPerFile)
            throws IOException {
        long estimatedRecordBytes = 4_000;
        long records = Math.max(types.size() * 3L, megabytes * 1_000_000 / estimatedRecordBytes);
        return generate(root, types, records, linesPerFile);
    }

    private long writeFolder(Path folder, String type, List<Long> ids, int linesPerFile,
                             SplittableRandom random) throws IOException {
        Files.createDirectories(folder);
        long bytes = 0;
        int part = 0;
        for (int start = 0; start < ids.size(); start += linesPerFile) {
            Path file = folder.resolve(String.format("part-%05d.jsonl", ++part));
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                for (int i = start; i < Math.min(ids.size(), start + linesPerFile); i++) {
                    writeRecord(out, type, ids.get(i), random);
                    out.write('\n');
                }
            }
            bytes += Files.size(file);
        }
        return bytes;
    }

    private void writeRecord(OutputStream out, String type, long id, SplittableRandom random)
            throws IOException {
        try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.writeStartObject();
            g.writeNumberField(type + "_id", id);
            g.writeFieldName(type + "_detail");
            if (type.equals("person")) {
                writePerson(g, id, random);
            } else {
                writeTitle(g, type, id, random);
                writeCredits(g, random);
            }
            g.writeEndObject();
        }
    }

    private void writeTitle(JsonGenerator g, String type, long id, SplittableRandom random)
            throws IOException {
        String[] title = TITLES[random.nextInt(TITLES.length)];
        g.writeStartObject();
        g.writeNumberField("id", id);
        g.writeStringField(type.equals("movie") ? "title" : "name", title[0]);
        g.writeStringField(type.equals("movie") ? "original_title" : "original_name", title[0]);
        g.writeStringField("original_language", title[1]);
        g.writeStringField("overview", sentence(random, 20 + random.nextInt(60)));
        g.writeStringField(type.equals("movie") ? "release_date" : "first_air_date", date(random));
        g.writeNumberField("popularity", Math.round(random.nextDouble() * 100_000) / 1000.0);
        g.writeNumberField("vote_average", Math.round(random.nextDouble() * 100) / 10.0);
        g.writeNumberField("vote_count", random.nextInt(30_000));
        g.writeBooleanField("adult", false);
        if (type.equals("movie")) {
            g.writeNumberField("runtime", 70 + random.nextInt(120));
        } else {
            g.writeNumberField("number_of_seasons", 1 + random.nextInt(12));
        }
        g.writeArrayFieldStart("genres");
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            g.writeStartObject();
            g.writeNumberField("id", 10 + random.nextInt(90));
            g.writeStringField("name", WORDS[random.nextInt(WORDS.length)]);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("videos");
        g.writeArrayFieldStart("results");
        for (int i = 0, n = random.nextInt(6); i < n; i++) {
            g.writeStartObject();
            g.writeStringField("key", token(random, 11));
            g.writeStringField("site", "YouTube");
            g.writeStringField("type", "Trailer");
            g.writeStringField("name", sentence(random, 4));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeObjectFieldStart("images");
        g.writeArrayFieldStart("backdrops");
        for (int i = 0, n = longTail(random); i < n; i++) {
            g.writeStartObject();
            g.writeNumberField("aspect_ratio", 1.778);
            g.writeNumberField("height", 1080);
            g.writeNumberField("width", 1920);
            g.writeStringField("file_path", "/" + token(random, 27) + ".jpg");
            g.writeNumberField("vote_average", Math.round(random.nextDouble() * 100) / 10.0);
            g.writeNumberField("vote_count", random.nextInt(50));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private void writeCredits(JsonGenerator g, SplittableRandom random) throws IOException {
        g.writeArrayFieldStart("casts_info");
        for (int i = 0, n = 3 + random.nextInt(25); i < n; i++) {
            g.writeStartObject();
            g.writeNumberField("id", 1 + random.nextInt(5_000_000));
            g.writeStringField("name", NAMES[random.nextInt(NAMES.length)]);
            g.writeStringField("character", NAMES[random.nextInt(NAMES.length)]);
            g.writeNumberField("order", i);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("crews_info");
        for (int i = 0, n = 2 + random.nextInt(15); i < n; i++) {
            g.writeStartObject();
            g.writeNumberField("id", 1 + random.nextInt(5_000_000));
            g.writeStringField("name", NAMES[random.nextInt(NAMES.length)]);
            int job = random.nextInt(JOBS.length);
            g.writeStringField("job", JOBS[job]);
            g.writeStringField("department", DEPARTMENTS[job]);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writePerson(JsonGenerator g, long id, SplittableRandom random) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", id);
        g.writeStringField("name", NAMES[random.nextInt(NAMES.length)]);
        g.writeArrayFieldStart("also_known_as");
        for (int i = 0, n = random.nextInt(5); i < n; i++) {
            g.writeString(NAMES[random.nextInt(NAMES.length)]);
        }
        g.writeEndArray();
        g.writeStringField("biography", sentence(random, 30 + random.nextInt(300)));
        g.writeStringField("birthday", date(random));
        g.writeStringField("place_of_birth", WORDS[random.nextInt(WORDS.length)]);
        g.writeStringField("known_for_department", DEPARTMENTS[random.nextInt(DEPARTMENTS.length)]);
        g.writeNumberField("popularity", Math.round(random.nextDouble() * 100_000) / 1000.0);
        g.writeArrayFieldStart("profiles");
        for (int i = 0, n = longTail(random) / 2; i < n; i++) {
            g.writeStartObject();
            g.writeStringField("file_path", "/" + token(random, 27) + ".jpg");
            g.writeNumberField("height", 750);
            g.writeNumberField("width", 500);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Image counts: mostly a handful, Pareto-tailed, capped so the largest records are a few MB. */
    private static int longTail(SplittableRandom random) {
        double pareto = 4 / Math.pow(1 - random.nextDouble(), 1 / 1.3);
        return (int) Math.min(pareto, 12_000);
    }

    private static String sentence(SplittableRandom random, int words) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            text.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.append('.').toString();
    }

    private static String token(SplittableRandom random, int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static String date(SplittableRandom random) {
        return String.format("%04d-%02d-%02d", 1950 + random.nextInt(76), 1 + random.nextInt(12), 1 + random.nextInt(28));
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = CommandLine.parseOrExit("--out=DIR [--records=N | --megabytes=M] [--seed=S] "
                + "[--lines-per-file=L] [--types=movie,tv_series,person]", args);
        Path out = Path.of(options.getOrDefault("out", "generated-data"));
        long seed = Long.parseLong(options.getOrDefault("seed", "1"));
        int linesPerFile = Integer.parseInt(options.getOrDefault("lines-per-file", "500000"));
        List<String> types = List.of(options.getOrDefault("types", String.join(",", TYPES)).split(","));
        TmdbDataGenerator generator = new TmdbDataGenerator(seed);
        Manifest manifest = options.containsKey("megabytes")
                ? generator.generateMegabytes(out, types, Long.parseLong(options.get("megabytes")), linesPerFile)
                : generator.generate(out, types, Long.parseLong(options.getOrDefault("records", "10000")), linesPerFile);
        System.out.printf("Wrote %d records, %.1f MB, to %s: %s%n", manifest.totalRecords(), manifest.bytes() / 1e6,
                out.toAbsolutePath(), manifest.records());
    }
}
