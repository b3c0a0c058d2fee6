# Build: Maven on a JDK 17; run: a JRE 17 as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml application.properties ./
RUN mvn -B -ntp dependency:go-offline
COPY src src
RUN mvn -B -ntp package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --create-home --home-dir /app ingestion
WORKDIR /app
COPY --from=build /build/target/tmdb-ingestion.jar /app/tmdb-ingestion.jar
COPY application.properties /app/application.properties
COPY config /app/config
RUN mkdir -p /app/data && chown -R ingestion:ingestion /app
USER ingestion
# Watched folders (<type>/<label>/*.jsonl) and per-environment settings
VOLUME ["/app/data", "/app/config"]
ENV INGESTION_DATA_DIR=/app/data
# Set KAFKA_BOOTSTRAP_SERVERS (docker run -e) to your cluster; unset, an embedded single-node broker runs inside
# the container, on its loopback only
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/tmdb-ingestion.jar"]
