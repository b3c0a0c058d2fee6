# Build: Maven on a JDK 17; run: a JRE 25 as a non-root user, with an ahead-of-time cache trained for the jar at build
# time (src/main/docker/aot-cache.sh: one once-mode run on generated data and the embedded broker; about a quarter less
# CPU for the benchmark's 1 GB, src/bench/README.md).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml application.properties ./
RUN mvn -B -ntp dependency:go-offline
COPY src src
# without the class-data-sharing archive of the README's command: the image trains its own ahead-of-time cache below
RUN mvn -B -ntp package -DskipTests -Dcds.skip=true

FROM eclipse-temurin:25-jre
# curl for the health check below
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --create-home --home-dir /app ingestion
WORKDIR /app
COPY --from=build /build/target/tmdb-ingestion.jar /app/tmdb-ingestion.jar
COPY --from=build /build/src/main/docker/aot-cache.sh /tmp/aot-cache.sh
# The JVM options the README's quick start runs with; outside /app/config, which a deployment may mount over. Less
# the class-data-sharing archive's two lines: the ahead-of-time cache takes its place, and Java 25 refuses the two
# together
COPY config/jvm.options /app/jvm.options
RUN sed -i -e '/^-XX:SharedArchiveFile=/d' -e '/^-Xlog:cds/d' /app/jvm.options
# Trained with a fixed heap: the build host's memory must not decide it. A JVM whose heap differs in kind (over about
# 32 GB, where object pointers are no longer compressed) does not use the cache, and says so
RUN sh /tmp/aot-cache.sh /app/tmdb-ingestion.jar /app/tmdb-ingestion.aot @/app/jvm.options -Xmx2g \
    --enable-native-access=ALL-UNNAMED \
    && rm /tmp/aot-cache.sh
COPY application.properties /app/application.properties
COPY config /app/config
# Not chown -R: that would copy the jar and the cache into one more layer; they only need to be readable
RUN mkdir -p /app/data && chown ingestion:ingestion /app /app/data
USER ingestion
# Watched folders (<type>/<label>/*.jsonl) and per-environment settings
VOLUME ["/app/data", "/app/config"]
ENV INGESTION_DATA_DIR=/app/data
# Set KAFKA_BOOTSTRAP_SERVERS (docker run -e) to your cluster; unset, an embedded single-node broker runs inside
# the container, on its loopback only
# Health and Prometheus metrics (ingestion.management.port): /observe/health, /observe/health/live,
# /observe/health/ready (down while Kafka is unreachable), /observe/metrics
EXPOSE 9876
# Liveness, not readiness: a container should not be restarted because Kafka is away (the pipeline waits for it);
# orchestrators that route or gate traffic should probe /observe/health/ready instead
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:9876/observe/health/live || exit 1
# docker stop sends SIGTERM, then kills after 10 s: the application stops within ingestion.shutdown.grace-period-ms
# (8 s). To give it longer, raise both, the runtime's a few seconds above the application's:
#   docker run --stop-timeout 35 -e INGESTION_SHUTDOWN_GRACE_PERIOD_MS=30000 ...
STOPSIGNAL SIGTERM
# --enable-native-access: the Snappy and Zstandard codecs load native libraries, which Java 25 otherwise warns about
ENTRYPOINT ["java", "@/app/jvm.options", "-XX:MaxRAMPercentage=75", "-XX:AOTCache=/app/tmdb-ingestion.aot", "--enable-native-access=ALL-UNNAMED", \
    "-jar", "/app/tmdb-ingestion.jar"]
