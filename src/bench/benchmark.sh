#!/usr/bin/env bash
# Throughput of tmdb-ingestion next to the raw pipe, on one local KRaft broker and the same files.
#
#   src/bench/benchmark.sh [--megabytes=1000] [--seed=5] [--work=/tmp/tmdb-bench] [--skip-latency] [--rounds=1]
#                          [--only=perf,original,connect,floor,floor-options,app,app-plain,app-256m,app-eos,app-aot,
#                                  app-gzip,app-gzip-256m,app-s3]
#                          (kcat always runs: the reference)
#
# Generates the data set with the project's generator, then for each contender starts a fresh single-node broker
# (Kafka's own jars, KRaft), runs the contender, checks that every record arrived (end offsets per topic), and
# prints a table: records/s, MB/s, wall seconds, peak RSS, CPU seconds of the contender and of the broker, ratio
# to kcat; for the application's default run, where its CPU went, by thread. Contenders: kcat -P piping the raw
# lines; Kafka's ProducerPerformance with the files as payloads; the original module's logic
# (../shared/anchors/original_ingest.py, where python3-confluent-kafka is installed); Kafka Connect standalone with
# Kafka's FileStreamSource connector, one per file (what a user would run instead); this application in once mode
# with its defaults and the README's command (config/jvm.options, the jar in target/ with its class-data-sharing
# archive; the floor also runs with those options less the archive, as its own contender), again without them, again with -Xmx256m, in exactly-once mode, on Java 25 with the AOT cache
# the container image trains
# (src/main/docker/aot-cache.sh; JAVA25 names that java, found under /usr/lib/jvm otherwise), and on the data set's
# files gzipped (also with -Xmx256m), and reading the same files as objects of a bucket (S3Proxy, Maven Central's,
# as its own process storing them in a folder, on this machine; its CPU is said under the table, apart from the
# application's); the floor (src/bench/Floor.java: the
# application's per-record work without Camel). Then, in watch mode: CPU used while idle, and the time from
# renaming a file into a watched folder to its first record on Kafka.
# With --rounds=N, kcat and the contenders run N times, one round after the other (so that a slow minute of the
# machine falls on all of them), and each row of the table is the contender's run with the median wall time (the
# lower median for an even N); the wall times of every round are listed under the table.
set -euo pipefail
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

MEGABYTES=1000
SEED=5
WORK=/tmp/tmdb-bench
LATENCY=yes
ROUNDS=1
ONLY=perf,original,connect,floor,floor-options,app,app-plain,app-256m,app-eos,app-aot,app-gzip,app-s3
for arg in "$@"; do
    case "$arg" in
        --megabytes=*) MEGABYTES=${arg#*=} ;;
        --seed=*) SEED=${arg#*=} ;;
        --work=*) WORK=${arg#*=} ;;
        --skip-latency) LATENCY=no ;;
        --only=*) ONLY=${arg#*=} ;;
        --rounds=*) ROUNDS=${arg#*=} ;;
        *) echo "Unrecognised argument '$arg'; see the header of $0" >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ORIGINAL=${ORIGINAL:-$ROOT/../shared/anchors/original_ingest.py}
PORT=19192
CONTROLLER_PORT=19193
S3_PORT=19195
BOOTSTRAP=127.0.0.1:$PORT
TYPES=(movie tv_series person)
declare -A TOPIC=([movie]=tmdb.movies.raw [tv_series]=tmdb.tv_series.raw [person]=tmdb.people.raw)
# The same producer settings for every contender that takes them: those of the application's defaults.
ACKS=all
COMPRESSION=$(sed -n 's/^camel.component.kafka.compression-codec=//p' "$ROOT/application.properties")
LINGER=$(sed -n 's/^camel.component.kafka.linger-ms=//p' "$ROOT/application.properties")
BATCH=$(sed -n 's/^camel.component.kafka.producer-batch-size=//p' "$ROOT/application.properties")
MAX_REQUEST=$(sed -n 's/^camel.component.kafka.max-request-size=//p' "$ROOT/application.properties")

# The JVM options the README's quick start runs the application with, and the jar it runs, from the project's folder
# (the options name the jar's class-data-sharing archive, written by mvn package, by a path relative to it)
JVM_OPTIONS=@$ROOT/config/jvm.options
APP_JAR=$ROOT/target/tmdb-ingestion.jar
# The container image's: the same less the archive's two lines (its ahead-of-time cache takes their place; see the
# Dockerfile). Written by build.
IMAGE_JVM_OPTIONS=@$WORK/jvm-image.options

# A Java 25 for the AOT cache contender: JAVA25, or the first java under /usr/lib/jvm that says it is 25
find_java25() {
    local java
    for java in ${JAVA25:-} /usr/lib/jvm/*/bin/java; do
        if [[ -x $java ]] && "$java" -version 2>&1 | head -n 1 | grep -q 'version "25'; then
            echo "$java"
            return
        fi
    done
}

wanted() { [[ ,$ONLY, == *,$1,* ]]; }

# The contenders the targets are computed from, by their names in the table
FLOOR_NAME="floor (same work, no Camel)"
FLOOR_OPTIONS_NAME="$FLOOR_NAME, config/jvm.options less its CDS lines"
CONNECT_NAME="Kafka Connect FileStreamSource (standalone)"
APP_NAME="tmdb-ingestion (once, defaults, config/jvm.options)"
SMALL_HEAP_NAME="tmdb-ingestion (once, -Xmx256m)"
EOS_NAME="tmdb-ingestion (once, exactly-once)"
IMAGE_NAME="tmdb-ingestion (once, Java 25, AOT cache)"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "--rounds takes a whole number of at least 1, not '$ROUNDS'" >&2; exit 2; }

# shellcheck source=src/bench/broker.sh
source "$(dirname "$0")/broker.sh"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

install_tools() {
    if ! command -v kcat >/dev/null; then
        log "installing kcat"
        apt-get update -qq && apt-get install -y -qq kcat >/dev/null
    fi
    [[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
}

build() {
    mkdir -p "$WORK"
    if [[ ! -f $ROOT/target/tmdb-ingestion.jar || ! -f $ROOT/target/tmdb-ingestion.jsa ]]; then
        log "building the application"
        (cd "$ROOT" && mvn -q -B -ntp package -DskipTests)
    fi
    # A copy for the broker, the floor and the AOT cache: rebuilding the project while the benchmark runs must not
    # pull classes from under the broker. The README's command runs the jar in target/ with its archive: do not
    # rebuild while the application's contenders run.
    cp "$ROOT/target/tmdb-ingestion.jar" "$WORK/app.jar"
    sed -e '/^-XX:SharedArchiveFile=/d' -e '/^-Xlog:cds/d' "$ROOT/config/jvm.options" > "$WORK/jvm-image.options"
    local kafka_version
    kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/pom.xml")
    mkdir -p "$WORK/tools"
    cat > "$WORK/tools/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>kafka-tools</artifactId><version>1</version>
  <dependencies><dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId>
    <version>$kafka_version</version></dependency></dependencies></project>
POM
    (cd "$WORK/tools" && mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile=cp.txt >/dev/null)
    TOOLS_CP=$(cat "$WORK/tools/cp.txt")
    mkdir -p "$WORK/connect-runtime"
    cat > "$WORK/connect-runtime/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>kafka-connect</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId><version>$kafka_version</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-file</artifactId><version>$kafka_version</version></dependency>
  </dependencies></project>
POM
    (cd "$WORK/connect-runtime" && mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile=cp.txt >/dev/null)
    CONNECT_CP=$(cat "$WORK/connect-runtime/cp.txt")
}

generate() {
    local marker=$WORK/data/.generated-$MEGABYTES-$SEED
    if [[ ! -f $marker ]]; then
        log "generating about $MEGABYTES MB (seed $SEED)"
        rm -rf "$WORK/data"
        java -cp "$WORK/app.jar" tmdb.ingestion.datagen.TmdbDataGenerator --out="$WORK/data" \
            --megabytes="$MEGABYTES" --seed="$SEED" >&2
        touch "$marker"
    fi
    declare -gA EXPECTED
    TOTAL=0
    for type in "${TYPES[@]}"; do
        EXPECTED[$type]=$(cat "$WORK"/data/"$type"/*/*.jsonl | wc -l)
        TOTAL=$((TOTAL + EXPECTED[$type]))
    done
    BYTES=$(cat "$WORK"/data/*/*/*.jsonl | wc -c)
    log "data set: $TOTAL records, $((BYTES / 1000000)) MB in $(find "$WORK/data" -name '*.jsonl' | wc -l) files"
}

# The data set with every file gzipped (gzip -6, one member), for the compressed-input row
gzip_data() {
    local marker=$WORK/data-gz/.generated-$MEGABYTES-$SEED
    if [[ ! -f $marker ]]; then
        log "gzipping the data set"
        rm -rf "$WORK/data-gz"
        (cd "$WORK/data" && find . -name '*.jsonl' -print0 | while IFS= read -r -d '' file; do
            mkdir -p "$WORK/data-gz/$(dirname "$file")"
            gzip -6 -c "$file" > "$WORK/data-gz/$file.gz"
        done)
        touch "$marker"
    fi
    log "gzipped: $(($(cat "$WORK"/data-gz/*/*/*.jsonl.gz | wc -c) / 1000000)) MB"
}

# Records on a topic: the sum of its partitions' end offsets.
# Records a read_committed consumer sees (end offsets would also count the markers of transactions)
topic_count() {
    kcat -C -b "$BOOTSTRAP" -t "$1" -o beginning -e -q -X isolation.level=read_committed -f 'x\n' 2>/dev/null | wc -l
}

# timed COMMAND...: runs it with its output in contender.log; wall seconds, peak RSS (KB) and CPU seconds (user +
# system) in time.txt
timed() {
    /usr/bin/time -o "$WORK/time.txt" -f '%e %M %U %S' "$@" > "$WORK/contender.log" 2>&1 \
        || log "$1 exited with $?; see $WORK/contender.log"
    # the last line: GNU time writes "Command exited with non-zero status N" before it when the command failed
    read -r WALL PEAK_KB user system < <(tail -n 1 "$WORK/time.txt")
    CPU=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.1f", u + s }')
}


# The broker's CPU seconds since the last call (or since it started).
broker_cpu() {
    local now
    now=$(cpu_ticks "$BROKER_PID")
    awk -v t=$((now - BROKER_TICKS)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }'
    BROKER_TICKS=$now
}

# thread_cpu PID OUTFILE: every half second until PID exits, appends the CPU ticks of each of its threads
# (id|name|ticks) to OUTFILE; a thread's last line holds its total, even if it ended before the process
thread_cpu() {
    local pid=$1 out=$2 task
    while kill -0 "$pid" 2>/dev/null; do
        for task in /proc/"$pid"/task/*; do
            awk -v id="${task##*/}" -v name="$(cat "$task/comm" 2>/dev/null)" \
                '{ sub(/^.*\) /, ""); print id "|" name "|" $12 + $13 }' "$task/stat" 2>/dev/null || true
        done >> "$out"
        sleep 0.5
    done
}

# Groups thread_cpu's lines: JIT compilers, Camel's route threads, the Kafka client's I/O thread, GC, the rest.
thread_cpu_summary() {
    awk -F'|' -v hz="$(getconf CLK_TCK)" '
        { name[$1] = $2; ticks[$1] = $3 }
        END {
            for (id in ticks) {
                n = name[id]
                if (n ~ /^C[12] CompilerThre/) group = "JIT compiler"
                else if (n ~ /^Camel/) group = "Camel routes (read, mix, parse, enrich, send, callbacks)"
                else if (n ~ /^kafka-producer/) group = "Kafka client I/O thread"
                else if (n ~ /^(GC Thread|G1 )/) group = "garbage collector"
                else if (n == "java") group = "main thread (start-up, stop)"
                else group = "other JVM threads"
                cpu[group] += ticks[id]; total += ticks[id]
            }
            for (g in cpu) printf "| %-56s | %6.1f | %4.0f%% |\n", g, cpu[g] / hz, 100 * cpu[g] / total
        }' "$1" | sort -t'|' -k3 -rn
}

# jit_share FILE: the JIT compiler threads' share of the CPU in thread_cpu's lines, in percent; nothing when the file
# is missing (its sampler never found the process)
jit_share() {
    [[ -f $1 ]] || return 0
    awk -F'|' '{ name[$1] = $2; ticks[$1] = $3 }
        END {
            for (id in ticks) { total += ticks[id]; if (name[id] ~ /^C[12] CompilerThre/) jit += ticks[id] }
            if (total > 0) printf "%.1f", 100 * jit / total
        }' "$1"
}

# start_sampler KEY PATTERN: in the background, samples the threads of the process whose command line matches PATTERN
# (once it appears) until it exits; stop_sampler then keeps them as threads-KEY-roundN.txt
start_sampler() {
    local pattern=$2
    SAMPLED=$1
    rm -f "$WORK/threads.txt"
    (
        for _ in $(seq 1 50); do pgrep -f -- "$pattern" > /dev/null && break; sleep 0.1; done
        thread_cpu "$(pgrep -n -f -- "$pattern")" "$WORK/threads.txt"
    ) &
    SAMPLER=$!
}

stop_sampler() {
    wait "$SAMPLER" || true
    # a sampler that never found the process wrote nothing: the share is left out, not the benchmark
    [[ ! -f $WORK/threads.txt ]] || cp "$WORK/threads.txt" "$WORK/threads-$SAMPLED-round${round:-1}.txt"
}

# Every run of every contender, by name ("seconds peak_kb cpu broker records bytes round|check" lines), and the names
# in the order they first ran
declare -A RUNS=()
NAMES=()
ROUND_KCAT_RATE=

# record NAME SECONDS PEAK_KB CPU BROKER_CPU COUNT_CHECK [RECORDS BYTES]: a run of a contender; records and bytes
# default to the data set's
record() {
    local name=$1 seconds=$2 peak_kb=$3 cpu=$4 broker=$5 check=$6 records=${7:-$TOTAL} bytes=${8:-$BYTES}
    local rate
    rate=$(awk -v n="$records" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
    [[ $name != kcat* ]] || ROUND_KCAT_RATE=$rate
    [[ -v RUNS[$name] ]] || NAMES+=("$name")
    RUNS[$name]+="$seconds $peak_kb $cpu $broker $records $bytes ${round:-1}|$check"$'\n'
    log "$name: $rate records/s, $seconds s, peak RSS $((peak_kb / 1024)) MB, CPU $cpu s (broker $broker s)," \
        "$(awk -v r="$rate" -v k="$ROUND_KCAT_RATE" 'BEGIN { printf "%.2f", r / k }') x this round's kcat, $check"
}

# median_run NAME: the contender's run with the median wall time (the lower median of an even count)
median_run() {
    local runs
    runs=$(printf '%s' "${RUNS[$1]}" | LC_ALL=C sort -n -k1,1)
    printf '%s\n' "$runs" | sed -n "$(( ($(printf '%s\n' "$runs" | wc -l) + 1) / 2 ))p"
}

# median_round NAME: the round of the contender's median run
median_round() { median_run "$1" | cut -d'|' -f1 | awk '{ print $NF }'; }

# median_threads KEY NAME: the thread samples (start_sampler's KEY) of the contender's median run
median_threads() { echo "$WORK/threads-$1-round$(median_round "$2").txt"; }

# median_jit_share KEY NAME: jit_share of the contender's median run; nothing when it did not run or was not sampled
median_jit_share() {
    [[ -v RUNS[$2] ]] || return 0
    jit_share "$(median_threads "$1" "$2")"
}

# table_row NAME KCAT_RATE: the table's row of the contender's median run
table_row() {
    local seconds peak_kb cpu broker records bytes rest check
    read -r seconds peak_kb cpu broker records bytes rest <<< "$(median_run "$1")"
    check=${rest#*|}
    awk -v name="$1" -v s="$seconds" -v kb="$peak_kb" -v c="$cpu" -v b="$broker" -v n="$records" -v bytes="$bytes" \
        -v k="$2" -v check="$check" 'BEGIN {
            printf "| %-42s | %9.0f | %7.1f | %7s | %6d | %6s | %10.0f | %12s | %7.2f | %s |\n", name, n / s,
                bytes / 1e6 / s, s, kb / 1024, c, c * 1e6 / n, b, (n / s) / k, check
        }'
}

# check_counts TOPIC_PREFIX|- [EXPECTED_TOTAL]: compares the records on the type topics with the lines sent
check_counts() {
    local expected=${2:-$TOTAL} found=0 type topic
    for type in "${TYPES[@]}"; do
        topic=${TOPIC[$type]}
        [[ $1 == - ]] || topic=$1.$type
        found=$((found + $(topic_count "$topic")))
    done
    if ((found == expected)); then echo "all $expected arrived"; else echo "INCOMPLETE: $((expected - found)) missing"; fi
}

run_kcat() {
    broker_start
    local seconds=0 peak=0 cpu=0 type
    broker_cpu > /dev/null
    for type in "${TYPES[@]}"; do
        timed kcat -P -b "$BOOTSTRAP" -t "kcat.$type" -X acks=$ACKS -X compression.codec="$COMPRESSION" \
            -X linger.ms="$LINGER" -X batch.size="$BATCH" -X message.max.bytes="$MAX_REQUEST" \
            < <(cat "$WORK"/data/"$type"/*/*.jsonl)
        seconds=$(awk -v a="$seconds" -v b="$WALL" 'BEGIN { printf "%.2f", a + b }')
        cpu=$(awk -v a="$cpu" -v b="$CPU" 'BEGIN { printf "%.1f", a + b }')
        peak=$(( PEAK_KB > peak ? PEAK_KB : peak ))
    done
    record "kcat -P (raw lines, no key)" "$seconds" "$peak" "$cpu" "$(broker_cpu)" "$(check_counts kcat)"
    broker_stop
}

run_perf_test() {
    broker_start
    cat "$WORK"/data/*/*/*.jsonl > "$WORK/payloads.txt"
    broker_cpu > /dev/null
    timed java -Xmx4g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance \
        --topic perf.all --num-records "$TOTAL" --payload-file "$WORK/payloads.txt" --throughput -1 \
        --producer-props bootstrap.servers="$BOOTSTRAP" acks=$ACKS compression.type="$COMPRESSION" \
        linger.ms="$LINGER" batch.size="$BATCH" max.request.size="$MAX_REQUEST"
    local count broker
    broker=$(broker_cpu)
    count=$(topic_count perf.all)
    record "kafka-producer-perf-test (payloads)" "$WALL" "$PEAK_KB" "$CPU" "$broker" \
        "$([[ $count == "$TOTAL" ]] && echo "all $TOTAL arrived" || echo "INCOMPLETE: $((TOTAL - count)) missing")"
    rm -f "$WORK/payloads.txt"
    broker_stop
}

# The application's per-record work without Camel's routing (src/bench/Floor.java), compiled against the jar.
# run_floor [JVM options]
run_floor() {
    mkdir -p "$WORK/floor"
    javac -cp "$WORK/app.jar" -d "$WORK/floor" "$ROOT/src/bench/Floor.java"
    broker_start
    broker_cpu > /dev/null
    # /usr/bin/time's command line holds the same arguments: the pattern asks for java's own
    start_sampler "floor${1:+-options}" "^[^ ]*java .*Floor $WORK/data "
    timed java "$@" -cp "$WORK/floor:$WORK/app.jar" Floor "$WORK/data" "$BOOTSTRAP" "$ACKS" "$COMPRESSION" "$LINGER" "$BATCH" \
        "$MAX_REQUEST"
    stop_sampler
    local broker
    broker=$(broker_cpu)
    local name=$FLOOR_NAME
    [[ $# -eq 0 ]] || name=$FLOOR_OPTIONS_NAME
    record "$name" "$WALL" "$PEAK_KB" "$CPU" "$broker" "$(check_counts -)"
    broker_stop
}

run_original() {
    if [[ ! -f $ORIGINAL ]] || ! /usr/bin/python3 -c 'import confluent_kafka' 2>/dev/null; then
        log "skipping the original module: needs $ORIGINAL and python3-confluent-kafka"
        return
    fi
    # The original cannot send a record over librdkafka's default 1 MB (it crashes on the first one): it gets a copy
    # of the data set without those lines, and its rate is counted on what it was given.
    rm -rf "$WORK/data-under-1mb"
    local file small_records small_bytes
    for file in "$WORK"/data/*/*/*.jsonl; do
        mkdir -p "$(dirname "${file/data/data-under-1mb}")"
        LC_ALL=C awk 'length($0) < 1000000' "$file" > "${file/data/data-under-1mb}"
    done
    small_records=$(cat "$WORK"/data-under-1mb/*/*/*.jsonl | wc -l)
    small_bytes=$(cat "$WORK"/data-under-1mb/*/*/*.jsonl | wc -c)
    broker_start
    timed /usr/bin/python3 "$ORIGINAL" "$WORK/data-under-1mb" "$BOOTSTRAP"
    local broker
    broker=$(broker_cpu)
    record "original_ingest.py (confluent-kafka)" "$WALL" "$PEAK_KB" "$CPU" "$broker" \
        "$(check_counts - "$small_records"), given $((TOTAL - small_records)) fewer (over 1 MB)" "$small_records" "$small_bytes"
    broker_stop
}

# Records on the topics now, by their end offsets (for contenders that do not use transactions)
end_offsets_total() {
    local topic partition total=0 offset
    for topic in "$@"; do
        for partition in 0 1 2; do
            offset=$(kcat -Q -b "$BOOTSTRAP" -t "$topic:$partition:-1" 2>/dev/null | awk '{ print $NF }')
            total=$((total + ${offset:-0}))
        done
    done
    echo "$total"
}

# Kafka Connect standalone with Kafka's own FileStreamSource connector, one connector per file, the application's
# producer settings: what a user would run instead. Connect never ends on its own, so it is timed from its start
# until every line is on its topic (end offsets, polled every 0.2 s), then stopped.
run_connect() {
    broker_start
    local dir=$WORK/connect file type n=0 connectors=()
    rm -rf "$dir" && mkdir -p "$dir"
    cat > "$dir/worker.properties" <<PROPS
bootstrap.servers=$BOOTSTRAP
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$dir/offsets
producer.acks=$ACKS
producer.compression.type=$COMPRESSION
producer.linger.ms=$LINGER
producer.batch.size=$BATCH
producer.max.request.size=$MAX_REQUEST
PROPS
    for file in "$WORK"/data/*/*/*.jsonl; do
        n=$((n + 1))
        type=$(basename "$(dirname "$(dirname "$file")")")
        printf 'name=file-source-%s\nconnector.class=org.apache.kafka.connect.file.FileStreamSourceConnector\n%s\n' \
            "$n" "tasks.max=1" > "$dir/source-$n.properties"
        printf 'file=%s\ntopic=connect.%s\n' "$file" "$type" >> "$dir/source-$n.properties"
        connectors+=("$dir/source-$n.properties")
    done
    broker_cpu > /dev/null
    local start end pid deadline
    start=$(date +%s.%N)
    java -cp "$CONNECT_CP" org.apache.kafka.connect.cli.ConnectStandalone "$dir/worker.properties" "${connectors[@]}" \
        > "$dir/connect.log" 2>&1 &
    pid=$!
    deadline=$(( $(date +%s) + 900 ))
    while (( $(end_offsets_total connect.movie connect.tv_series connect.person) < TOTAL )); do
        if (( $(date +%s) > deadline )) || ! kill -0 "$pid" 2>/dev/null; then
            log "Kafka Connect did not deliver every line; see $dir/connect.log"
            break
        fi
        sleep 0.2
    done
    end=$(date +%s.%N)
    local peak_kb cpu ticks broker
    peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
    ticks=$(cpu_ticks "$pid")
    cpu=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }')
    broker=$(broker_cpu)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    record "$CONNECT_NAME" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')" \
        "$peak_kb" "$cpu" "$broker" "$(check_counts connect)"
    broker_stop
}

# run_application NAME [JVM options...] [-- application arguments...]
run_application() {
    local name=$1; shift
    local jvm=() args=()
    while [[ $# -gt 0 && $1 != -- ]]; do jvm+=("$1"); shift; done
    [[ $# -gt 0 ]] && shift && args=("$@")
    broker_start
    rm -rf "$WORK/run" && cp -al "${SOURCE:-$WORK/data}" "$WORK/run"
    broker_cpu > /dev/null
    # the java process itself: /usr/bin/time's command line holds the same arguments, and a sampler that found it
    # before it started java measured nothing (13:14 on 2026-12-03)
    [[ -z ${THREADS_OF:-} ]] || start_sampler "$THREADS_OF" "^[^ ]*java .*-jar $APP_JAR --kafka"
    local options=("$JVM_OPTIONS")
    [[ -z ${WITHOUT_JVM_OPTIONS:-} ]] || options=()
    pushd "$ROOT" > /dev/null
    timed "${APP_JAVA:-java}" "${options[@]}" "${jvm[@]}" -jar "$APP_JAR" --kafka.bootstrap-servers="$BOOTSTRAP" --ingestion.data-dir="$WORK/run" \
        --ingestion.mode=once --ingestion.management.enabled=false "${args[@]}"
    popd > /dev/null
    [[ -z ${THREADS_OF:-} ]] || stop_sampler
    local broker
    broker=$(broker_cpu)
    cp "$WORK/contender.log" "$WORK/application.log"
    record "$name" "$WALL" "$PEAK_KB" "$CPU" "$broker" "$(check_counts -)"
    broker_stop
}

# The application as the container image runs it: on Java 25, with the AOT cache trained for this jar at this path.
run_application_with_aot_cache() {
    local java25
    java25=$(find_java25)
    if [[ -z $java25 ]]; then
        log "no Java 25 found (set JAVA25 to its java): the AOT cache contender is left out"
        return
    fi
    # trained once a benchmark: the later rounds run on the same cache, or leave the contender out as the first did
    if [[ -z ${AOT_CACHE:-} ]]; then
        log "training the AOT cache with $java25"
        AOT_CACHE=failed
        if JAVA=$java25 "$ROOT/src/main/docker/aot-cache.sh" "$WORK/app.jar" "$WORK/app.aot" "$IMAGE_JVM_OPTIONS" \
                -Xmx2g --enable-native-access=ALL-UNNAMED >&2; then
            AOT_CACHE=trained
        fi
    fi
    if [[ $AOT_CACHE == failed ]]; then
        log "training the AOT cache failed (above): the AOT cache contender is left out"
        return
    fi
    # AOTMode=on: a cache the JVM refuses ends the run instead of being measured as if it were used
    APP_JAVA=$java25 APP_JAR=$WORK/app.jar JVM_OPTIONS=$IMAGE_JVM_OPTIONS THREADS_OF=image run_application \
        "$IMAGE_NAME" -XX:AOTMode=on \
        -XX:AOTCache="$WORK/app.aot" --enable-native-access=ALL-UNNAMED
}

# S3Proxy's own jars, with the exclusions the project's tests make (no second SLF4J provider, no cloud SDKs)
s3proxy_classpath() {
    local version
    version=$(sed -n '/<artifactId>s3proxy<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p}' "$ROOT/pom.xml")
    mkdir -p "$WORK/s3proxy"
    cat > "$WORK/s3proxy/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>s3proxy</artifactId><version>1</version>
  <dependencies><dependency><groupId>org.gaul</groupId><artifactId>s3proxy</artifactId><version>$version</version>
    <exclusions>
      <exclusion><groupId>ch.qos.logback</groupId><artifactId>*</artifactId></exclusion>
      <exclusion><groupId>com.google.cloud</groupId><artifactId>*</artifactId></exclusion>
      <exclusion><groupId>com.azure</groupId><artifactId>*</artifactId></exclusion>
      <exclusion><groupId>com.github.openstack4j.core</groupId><artifactId>*</artifactId></exclusion>
      <exclusion><groupId>com.github.openstack4j.core.connectors</groupId><artifactId>*</artifactId></exclusion>
      <exclusion><groupId>org.apache.sshd</groupId><artifactId>*</artifactId></exclusion>
    </exclusions></dependency></dependencies></project>
POM
    (cd "$WORK/s3proxy" && mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile=cp.txt >/dev/null)
    cat "$WORK/s3proxy/cp.txt"
}

# The application reading the data set's files as objects of bucket tmdb-bench, in leave mode (the objects stay), from
# S3Proxy storing them in a folder: what the bucket adds to reading files (listing, ranged GETs over HTTP). The files
# are uploaded through S3Proxy (curl signs the requests), which gives each its ETag: put in its folder by hand, an
# object would be listed without one, and skipped.
run_application_on_s3() {
    local classpath
    classpath=$(s3proxy_classpath)
    rm -rf "$WORK/s3" && mkdir -p "$WORK/s3"
    cat > "$WORK/s3proxy/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$WORK/s3
CONF
    java -cp "$classpath" org.gaul.s3proxy.Main --properties "$WORK/s3proxy/s3proxy.conf" > "$WORK/s3proxy/s3proxy.log" 2>&1 &
    local proxy=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break
        sleep 0.2
    done
    local s3=(curl -sf --aws-sigv4 "aws:amz:us-east-1:s3" --user bench:bench-secret -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
    local file
    "${s3[@]}" -X PUT "http://127.0.0.1:$S3_PORT/tmdb-bench" > /dev/null
    log "uploading the data set to S3Proxy"
    (cd "$WORK/data" && for file in */*/*.jsonl; do
        "${s3[@]}" -T "$file" "http://127.0.0.1:$S3_PORT/tmdb-bench/$file" > /dev/null || log "could not upload $file"
    done)
    local proxy_ticks
    proxy_ticks=$(cpu_ticks $proxy)
    AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret run_application "tmdb-ingestion (once, S3Proxy bucket)" -- \
        --ingestion.source.s3.bucket=tmdb-bench --ingestion.source.s3.endpoint="http://127.0.0.1:$S3_PORT" \
        --ingestion.source.s3.path-style=true --ingestion.source.s3.list-interval-ms=1000
    S3PROXY_CPU=$(awk -v t=$(($(cpu_ticks $proxy) - proxy_ticks)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }')
    log "S3Proxy used $S3PROXY_CPU CPU s serving the bucket"
    kill $proxy; wait $proxy 2>/dev/null || true
}

run_watch_measures() {
    broker_start
    rm -rf "$WORK/watch" "$WORK/staging" && mkdir -p "$WORK/watch/movie/new" "$WORK/staging"
    (cd "$ROOT" && exec java "$JVM_OPTIONS" -jar "$APP_JAR" --kafka.bootstrap-servers="$BOOTSTRAP" \
        --ingestion.data-dir="$WORK/watch" > "$WORK/watch.log" 2>&1) &
    local app=$!
    for _ in $(seq 1 100); do grep -q "started in" "$WORK/watch.log" && break; sleep 0.2; done
    sleep 5
    local hz ticks_before ticks_after
    hz=$(getconf CLK_TCK)
    ticks_before=$(cpu_ticks $app)
    sleep 30
    ticks_after=$(cpu_ticks $app)
    IDLE_CPU=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$hz" 'BEGIN { printf "%.2f", 100 * t / hz / 30 }')
    log "idle in watch mode: $IDLE_CPU% of one core"

    head -n 10 "$WORK/data/movie/new/part-00001.jsonl" > "$WORK/staging/sample.jsonl"
    cp "$WORK/staging/sample.jsonl" "$WORK/watch/movie/new/warm-up.jsonl"
    for _ in $(seq 1 100); do grep -q "Done movie/new/warm-up.jsonl" "$WORK/watch.log" && break; sleep 0.2; done
    LATENCIES=()
    for i in $(seq 1 7); do
        cp "$WORK/staging/sample.jsonl" "$WORK/staging/drop-$i.jsonl"
        kcat -C -b "$BOOTSTRAP" -t tmdb.movies.raw -o end -c 1 -q -X fetch.wait.max.ms=10 > /dev/null &
        local consumer=$!
        sleep 2
        local start end
        start=$(date +%s%N)
        mv "$WORK/staging/drop-$i.jsonl" "$WORK/watch/movie/new/drop-$i.jsonl"
        wait $consumer
        end=$(date +%s%N)
        LATENCIES+=("$(( (end - start) / 1000000 ))")
    done
    MEDIAN_LATENCY=$(printf '%s\n' "${LATENCIES[@]}" | sort -n | sed -n 4p)
    log "rename to first record on Kafka (ms): ${LATENCIES[*]}; median $MEDIAN_LATENCY"
    kill $app; wait $app 2>/dev/null || true
    broker_stop
}

# median_rate NAME / median_cpu_per_record NAME: of the contender's median run; empty when it did not run
median_rate() {
    [[ -v RUNS[$1] ]] || return 0
    median_run "$1" | awk '{ printf "%.1f", $5 / $1 }'
}
median_cpu_per_record() {
    [[ -v RUNS[$1] ]] || return 0
    median_run "$1" | awk '{ printf "%.9f", $3 / $5 }'
}

# shown VALUE at-least|under|at-most [%]: VALUE to three places (a share to one, with %), cut towards failing the bar
# it is compared with (down for at-least and under, up for at-most), so that a value just short of its bar never
# shows as on it
shown() {
    awk -v v="$1" -v kind="$2" -v unit="${3:-x}" 'BEGIN {
        scale = (unit == "%") ? 10 : 1000
        cut = int(v * scale)
        printf (unit == "%") ? "%.1f%%" : "%.3f x", (kind == "at-most" && cut < v * scale ? cut + 1 : cut) / scale
    }'
}

# target TEXT VALUE BOUND at-least|under|at-most [%]: one line of print_targets, left out when VALUE is empty; the
# verdict compares VALUE itself, not the figure shown
target() {
    [[ -n $2 ]] || return 0
    local verdict
    verdict=$(awk -v v="$2" -v bound="$3" -v kind="$4" 'BEGIN {
        met = (kind == "at-least") ? v >= bound : (kind == "under") ? v < bound : v <= bound
        print met ? "met" : "NOT met"
    }')
    echo "- $1: $(shown "$2" "$4" "${5:-}") ($verdict)"
}

# two_places_down V: V cut down to two places (a ratio shown beside a bar it is compared with)
two_places_down() { awk -v v="$1" 'BEGIN { printf "%.2f", int(v * 100) / 100 }'; }

# ratio A B: A / B, or empty when either is
ratio() { [[ -n $1 && -n $2 ]] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.9f", a / b }' || true; }

# The CPU-per-record issue's six targets (docs: src/bench/README.md), from each contender's median run; a target whose
# contenders did not run is left out. The JIT's share is the application's median run's; beside it stand the floor's,
# with and without the application's JVM options (what a cold JVM doing the same work spends there), and the
# container image's.
print_targets() {
    local kcat app floor connect eos small share floor_share floor_options_share image_share
    kcat=$(median_rate "${NAMES[0]}")
    app=$(median_rate "$APP_NAME")
    [[ -n $app ]] || return 0
    floor=$(median_rate "$FLOOR_NAME")
    connect=$(median_rate "$CONNECT_NAME")
    eos=$(median_rate "$EOS_NAME")
    small=$(median_rate "$SMALL_HEAP_NAME")
    echo
    echo "Against the targets of CPU per record (each contender's median run):"
    echo
    target "CPU per record, JIT included, at most 1.3 x the floor's" \
        "$(ratio "$(median_cpu_per_record "$APP_NAME")" "$(median_cpu_per_record "$FLOOR_NAME")")" 1.3 at-most
    if [[ -v RUNS[$FLOOR_OPTIONS_NAME] ]]; then
        echo "  (against the floor run with the application's JVM options: $(shown "$(ratio \
            "$(median_cpu_per_record "$APP_NAME")" "$(median_cpu_per_record "$FLOOR_OPTIONS_NAME")")" at-most))"
    fi
    if [[ -n $floor ]]; then
        if awk -v f="$floor" -v k="$kcat" 'BEGIN { exit !(f >= 0.85 * k) }'; then
            target "records/s at least 0.8 x kcat's (the floor at $(two_places_down "$(ratio "$floor" "$kcat")") x kcat)" \
                "$(ratio "$app" "$kcat")" 0.8 at-least
        else
            target "records/s at least 0.9 x the floor's (the floor at $(two_places_down "$(ratio "$floor" "$kcat")") x kcat, under 0.85)" \
                "$(ratio "$app" "$floor")" 0.9 at-least
        fi
    fi
    target "records/s at least 1.5 x Kafka Connect's" "$(ratio "$app" "$connect")" 1.5 at-least
    share=$(median_jit_share app "$APP_NAME")
    if [[ -n $share ]]; then
        target "JIT compiler threads under 20% of the application's CPU" "$share" 20 under %
        floor_share=$(median_jit_share floor "$FLOOR_NAME")
        floor_options_share=$(median_jit_share floor-options "$FLOOR_OPTIONS_NAME")
        image_share=$(median_jit_share image "$IMAGE_NAME")
        [[ -z $floor_share ]] || echo "  (the floor's own share: $floor_share%)"
        [[ -z $floor_options_share ]] || echo "  (the floor's own share with the application's JVM options: $floor_options_share%)"
        [[ -z $image_share ]] || echo "  (the application's share as the container image runs it, Java 25 with its AOT cache: $image_share%)"
    fi
    target "exactly-once at least 0.85 x at-least-once's records/s" "$(ratio "$eos" "$app")" 0.85 at-least
    target "-Xmx256m at least 0.95 x the default heap's records/s" "$(ratio "$small" "$app")" 0.95 at-least
}

install_tools
build
generate
log "producer settings for every contender: acks=$ACKS compression=$COMPRESSION linger.ms=$LINGER batch.size=$BATCH"
rm -f "$WORK"/threads*.txt
for round in $(seq 1 "$ROUNDS"); do
    ((ROUNDS == 1)) || log "round $round of $ROUNDS"
    run_kcat
    wanted perf && run_perf_test
    wanted original && run_original
    wanted connect && run_connect
    wanted floor && run_floor
    wanted floor-options && run_floor "$IMAGE_JVM_OPTIONS"
    wanted app && THREADS_OF=app run_application "$APP_NAME"
    wanted app-plain && WITHOUT_JVM_OPTIONS=yes run_application "tmdb-ingestion (once, without config/jvm.options)"
    wanted app-256m && run_application "$SMALL_HEAP_NAME" -Xmx256m
    wanted app-eos && run_application "$EOS_NAME" -- \
        --ingestion.delivery.guarantee=exactly-once
    wanted app-aot && run_application_with_aot_cache
    wanted app-gzip && gzip_data && SOURCE=$WORK/data-gz run_application "tmdb-ingestion (once, files gzipped)"
    wanted app-gzip-256m && gzip_data && SOURCE=$WORK/data-gz run_application \
        "tmdb-ingestion (once, gzipped, -Xmx256m)" -Xmx256m
    wanted app-s3 && run_application_on_s3
done
[[ $LATENCY == yes ]] && run_watch_measures

echo
echo "Data set: $TOTAL records, $((BYTES / 1000000)) MB (generator seed $SEED); $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB;" \
    "broker and clients on this machine"
echo "Producer settings: acks=$ACKS compression=$COMPRESSION linger.ms=$LINGER batch.size=$BATCH"
echo
echo "| contender                                  | records/s |    MB/s |  wall s | RSS MB |  CPU s | CPU us/rec | broker CPU s |  x kcat | check |"
echo "|--------------------------------------------|----------:|--------:|--------:|-------:|-------:|-----------:|-------------:|--------:|-------|"
KCAT_RATE=$(table_row "${NAMES[0]}" 1 | awk -F'|' '{ print $3 + 0 }')
for name in "${NAMES[@]}"; do
    table_row "$name" "$KCAT_RATE"
done
if ((ROUNDS > 1)); then
    echo
    echo "Each row is the contender's median of $ROUNDS rounds by wall time; the wall seconds of every round:"
    echo
    for name in "${NAMES[@]}"; do
        echo "- $name: $(printf '%s' "${RUNS[$name]}" | awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $1 }')"
    done
fi
[[ -z ${S3PROXY_CPU:-} ]] || echo "(S3Proxy, serving the bucket on this machine, used $S3PROXY_CPU CPU s besides$( \
    ((ROUNDS == 1)) || echo " in the last round").)"
if wanted app && [[ -v RUNS[$APP_NAME] && -f $(median_threads app "$APP_NAME") ]]; then
    echo
    echo "Where the application's CPU went (defaults run$( ((ROUNDS == 1)) || echo ", the median one"); each thread's" \
        "CPU seconds, sampled every 0.5 s until exit):"
    echo
    echo "| threads                                                  |  CPU s | share |"
    echo "|----------------------------------------------------------|-------:|------:|"
    thread_cpu_summary "$(median_threads app "$APP_NAME")"
fi
print_targets
if [[ $LATENCY == yes ]]; then
    echo
    echo "Watch mode: idle CPU $IDLE_CPU% of one core over 30 s; rename to first record on Kafka, median" \
        "$MEDIAN_LATENCY ms (runs: ${LATENCIES[*]} ms)"
fi
