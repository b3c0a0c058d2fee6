#!/bin/sh
# Trains the ahead-of-time cache of Java 25 or later (JEP 483, 514, 515) for the application's jar: one once-mode run
# on a small generated data set and the embedded broker records which classes the application loads and links, and
# how its hot methods behave. A JVM started with -XX:AOTCache=<cache> then finds those classes loaded and linked, and
# compiles the hot methods from the recorded profiles instead of learning them again: about a quarter less CPU for
# the benchmark's 1 GB (src/bench/README.md). A cache belongs to the jar at that path and to the JVM that trained it:
# train it where it runs (the Dockerfile does, in the runtime image). A JVM that finds the cache stale says so (a few
# [aot] lines on its standard output) and runs without it.
#
#   src/main/docker/aot-cache.sh <jar> <cache to write> [JVM options the application runs with]
#
# JAVA names the java to train with (default: java on the PATH). The training never uses a Kafka cluster the
# environment names: it runs on the embedded broker, on a free port.
set -eu
if [ $# -lt 2 ]; then
    echo "Usage: $0 <jar> <cache to write> [JVM options the application runs with]" >&2
    exit 2
fi
absolute() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
jar=$(absolute "$1")
cache=$(absolute "$2")
shift 2
java=$(command -v "${JAVA:-java}") || { echo "No java at ${JAVA:-java}" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
rm -f "$cache"
"$java" -cp "$jar" tmdb.ingestion.datagen.TmdbDataGenerator --out="$work/data" --megabytes=100 --seed=11
(cd "$work" && "$java" "$@" -XX:AOTCacheOutput="$cache" -jar "$jar" --kafka.bootstrap-servers= \
    --kafka.embedded.port=0 --kafka.embedded.data-dir="$work/broker" --ingestion.data-dir="$work/data" \
    --ingestion.mode=once --ingestion.management.enabled=false) > "$work/training.log" 2>&1 || {
    echo "Training the AOT cache failed; its log:" >&2
    cat "$work/training.log" >&2
    exit 1
}
if ! grep -q "files  *9 done, 0 failed" "$work/training.log" || [ ! -s "$cache" ]; then
    echo "The training run did not ingest its 9 files, or wrote no cache to $cache; its log:" >&2
    cat "$work/training.log" >&2
    exit 1
fi
echo "Wrote the AOT cache $cache ($(du -h "$cache" | cut -f1))"
