package tmdb.ingestion.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Arguments of the form {@code --name=value}, as the application and its tools take them. */
public final class CommandLine {

    private CommandLine() {
    }

    /** The arguments by name; anything not of the form {@code --name=value} is an error naming it. */
    public static Map<String, String> parse(String... args) {
        Map<String, String> answer = new LinkedHashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 3) {
                throw new IllegalArgumentException("Unrecognised argument '" + arg + "': arguments are given as "
                        + "--name=value");
            }
            answer.put(arg.substring(2, equals), arg.substring(equals + 1));
        }
        return answer;
    }

    /** Parses the arguments of a command-line tool, or prints what is wrong and its usage, and exits with 2. */
    public static Map<String, String> parseOrExit(String usage, String... args) {
        try {
            return parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + ". Usage: " + usage);
            System.exit(2);
            throw e;
        }
    }
}
