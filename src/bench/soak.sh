#!/usr/bin/env bash
# A year of small files in a few minutes: does anything grow with every file ever ingested?
#
#   src/bench/soak.sh [--files=100000] [--batch=2000] [--work=/tmp/tmdb-soak] [--app-args='--ingestion...=...']
#
# Starts one KRaft broker and the application in watch mode, renames --files small files (one record each, a unique
# id) into the nine folders in batches of --batch, waits for each batch to be done, and restarts the application
# twice (after a third and two thirds of the files), and once more at the end. It prints, per batch: the heap after a
# full GC (jcmd), the files done so far, and the seconds the batch took; per restart: the milliseconds from the start
# of the JVM to the first record of a file dropped while it was down (with every earlier file's checkpoint in the
# topic); at the end: the records per
# compacted topic that are not superseded nor tombstoned (the files topic should hold none once the last file
# settled; the checkpoint topic, the finished checkpoints still within ingestion.checkpoint.done-retention) and the
# ids seen twice on the topics (none expected: restarts are SIGTERM, at-least-once resends nothing finished).
set -euo pipefail
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

FILES=100000
BATCH=2000
WORK=/tmp/tmdb-soak
APP_ARGS=()
for arg in "$@"; do
    case "$arg" in
        --files=*) FILES=${arg#*=} ;;
        --batch=*) BATCH=${arg#*=} ;;
        --work=*) WORK=${arg#*=} ;;
        --app-args=*) read -r -a APP_ARGS <<< "${arg#*=}" ;;
        *) echo "Unrecognised argument '$arg'; see the header of $0" >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PORT=19292
CONTROLLER_PORT=19293
BOOTSTRAP=127.0.0.1:$PORT
FOLDERS=(movie/new movie/change movie/old tv_series/new tv_series/change tv_series/old person/new person/change person/old)
TOPICS=(tmdb.movies.raw tmdb.tv_series.raw tmdb.people.raw)

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# shellcheck source=src/bench/broker.sh
source "$(dirname "$0")/broker.sh"

APP_PID=
app_start() {
    java "@$ROOT/config/jvm.options" -Xmx256m -jar "$WORK/app.jar" --kafka.bootstrap-servers="$BOOTSTRAP" \
        --ingestion.data-dir="$WORK/data" \
        --ingestion.mode=watch --ingestion.management.enabled=false --ingestion.file.quiet-period-ms=1000 \
        "${APP_ARGS[@]}" >> "$WORK/app.log" 2>&1 &
    APP_PID=$!
}

app_stop() {
    kill -TERM "$APP_PID"
    wait "$APP_PID" 2>/dev/null || true
}

done_files() {
    local count=0
    for folder in "${FOLDERS[@]}"; do
        count=$((count + $(find "$WORK/data/$folder/.done" -maxdepth 1 -type f 2>/dev/null | wc -l)))
    done
    echo "$count"
}

# The used heap after a full GC, in MB
heap_after_gc() {
    jcmd "$APP_PID" GC.run > /dev/null
    jcmd "$APP_PID" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { printf "%.1f\n", int($(i + 1)) / 1024; exit } }'
}

NEXT=0
# drop COUNT: writes COUNT one-line files elsewhere and renames them into the folders, round robin
drop() {
    local count=$1 i folder type id
    mkdir -p "$WORK/staging"
    for ((i = 0; i < count; i++)); do
        NEXT=$((NEXT + 1))
        folder=${FOLDERS[$((NEXT % 9))]}
        type=${folder%%/*}
        printf '{"%s_id": %d, "%s_detail": {"n": %d}}\n' "$type" "$NEXT" "$type" "$NEXT" > "$WORK/staging/f-$NEXT.jsonl"
    done
    for ((i = NEXT - count + 1; i <= NEXT; i++)); do
        folder=${FOLDERS[$((i % 9))]}
        mv "$WORK/staging/f-$i.jsonl" "$WORK/data/$folder/f-$i.jsonl"
    done
}

await_done() {
    local expected=$1 deadline=$((SECONDS + 1800))
    while [[ $(done_files) -lt $expected ]]; do
        if [[ $SECONDS -gt $deadline ]]; then
            log "only $(done_files) of $expected files done after 30 minutes; see $WORK/app.log"
            exit 1
        fi
        sleep 1
    done
}

# restart: stops the application, drops one movie file, starts it again; RESTART_MS: the milliseconds from the start
# to that file's first record on Kafka
restart() {
    app_stop
    NEXT=$((NEXT + 1))
    printf '{"movie_id": %d, "movie_detail": {"n": %d}}\n' "$NEXT" "$NEXT" > "$WORK/staging/f-$NEXT.jsonl"
    mv "$WORK/staging/f-$NEXT.jsonl" "$WORK/data/movie/new/f-$NEXT.jsonl"
    kcat -C -b "$BOOTSTRAP" -t "${TOPICS[0]}" -o end -c 1 -q -X fetch.wait.max.ms=10 > /dev/null &
    local consumer=$!
    sleep 1
    local start
    start=$(date +%s%N)
    app_start
    wait "$consumer"
    RESTART_MS=$(( ($(date +%s%N) - start) / 1000000 ))
}

# live_records TOPIC: records whose key has not been superseded nor tombstoned since
live_records() {
    kcat -C -b "$BOOTSTRAP" -t "$1" -o beginning -e -q -f '%k\t%S\n' 2>/dev/null \
        | awk -F'\t' '{ last[$1] = $2 } END { n = 0; for (k in last) if (last[k] != -1) n++; print n }'
}

(cd "$ROOT" && mvn -q -B -ntp package -DskipTests)
rm -rf "$WORK" && mkdir -p "$WORK"
cp "$ROOT/target/tmdb-ingestion.jar" "$WORK/app.jar"
for folder in "${FOLDERS[@]}"; do mkdir -p "$WORK/data/$folder"; done
broker_start
app_start
log "soak: $FILES files in batches of $BATCH, restarts after $((FILES / 3)) and $((2 * FILES / 3)) files"

echo "| files done | heap after GC, MB | batch s |"
echo "|---:|---:|---:|"
RESTARTS=()
restarted=0
start_of_run=$SECONDS
while [[ $NEXT -lt $FILES ]]; do
    batch_start=$SECONDS
    drop "$BATCH"
    await_done "$NEXT"
    echo "| $(done_files) | $(heap_after_gc) | $((SECONDS - batch_start)) |"
    if [[ $restarted -lt 2 && $NEXT -ge $(( (restarted + 1) * FILES / 3 )) ]]; then
        restart
        restarted=$((restarted + 1))
        RESTARTS+=("$RESTART_MS")
        await_done "$NEXT"
    fi
done
total_s=$((SECONDS - start_of_run))
restart
RESTARTS+=("$RESTART_MS")
await_done "$NEXT"
sleep 3
app_stop

files_live=$(live_records tmdb.ingestion.files)
checkpoints_live=$(live_records tmdb.ingestion.checkpoints)
records=0
twice=0
for topic in "${TOPICS[@]}"; do
    records=$((records + $(kcat -C -b "$BOOTSTRAP" -t "$topic" -o beginning -e -q -f 'x\n' 2>/dev/null | wc -l)))
    twice=$((twice + $(kcat -C -b "$BOOTSTRAP" -t "$topic" -o beginning -e -q -f '%k\n' 2>/dev/null | sort | uniq -d | wc -l)))
done
broker_stop

echo
echo "Files: $(done_files) done of $NEXT dropped, in ${total_s} s"
echo "Start to the first record of a file dropped while the application was down (ms): ${RESTARTS[*]}"
echo "Live records: files topic $files_live, checkpoint topic $checkpoints_live"
echo "Records on the type topics: $records; ids seen twice: $twice"
