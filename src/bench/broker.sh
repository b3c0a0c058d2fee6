# A single-node KRaft broker from Kafka's own jars (inside the application's jar), for the benchmark scripts.
# Expects WORK, PORT, CONTROLLER_PORT, BOOTSTRAP and a log function; sets BROKER_PID and BROKER_TICKS.

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

broker_start() {
    local dir=$WORK/broker
    if kcat -b "$BOOTSTRAP" -L -m 1 >/dev/null 2>&1; then
        log "something already listens on $BOOTSTRAP; stop it first (a broker left from an interrupted run?)"
        exit 1
    fi
    rm -rf "$dir" && mkdir -p "$dir"
    cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/log
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
    java -cp "$WORK/app.jar" kafka.tools.StorageTool format -t "$(java -cp "$WORK/app.jar" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
        -c "$dir/server.properties" >/dev/null 2>&1
    java -Xmx1g -cp "$WORK/app.jar" kafka.Kafka "$dir/server.properties" > "$dir/broker.log" 2>&1 &
    BROKER_PID=$!
    BROKER_TICKS=$(cpu_ticks "$BROKER_PID")
    for _ in $(seq 1 100); do
        if kcat -b "$BOOTSTRAP" -L -m 1 >/dev/null 2>&1; then
            # A group joins once, so that the broker has its __consumer_offsets topic, as any running cluster does:
            # the application is the only contender that joins a group, and would pay for that topic's creation
            # (50 partitions: about 0.3 s of its start and 0.5 s of the broker's CPU) in every run
            # (a record first: the group's consumer then ends at the end of the partition it was given)
            if ! echo warm-up | kcat -b "$BOOTSTRAP" -P -t bench.warm-up 2>/dev/null \
                    || ! timeout 30 kcat -b "$BOOTSTRAP" -G bench-warm-up bench.warm-up -e -q >/dev/null 2>&1; then
                log "the warm-up consumer group did not join the broker; see $dir/broker.log"
                exit 1
            fi
            BROKER_TICKS=$(cpu_ticks "$BROKER_PID")
            return 0
        fi
        sleep 0.2
    done
    log "the broker did not start; see $dir/broker.log"
    exit 1
}

broker_stop() {
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
}

