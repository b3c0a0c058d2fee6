#!/usr/bin/python3
"""Where the application's CPU time goes, from a JFR recording: each CPU sample is attributed to the innermost
frame of a known component (Kafka client, Jackson, the project's own code, Camel's routing engine...).

  jfr print --stack-depth 512 --events jdk.ExecutionSample rec.jfr > samples.txt

Only execution samples are CPU: native-method samples are threads in native code, mostly waiting (the Kafka
client's I/O thread in epoll_wait), and would drown the rest.
  jfr_breakdown.py samples.txt
"""
import collections
import re
import sys

COMPONENTS = [
    ("compression (snappy, native)", ("org.xerial.snappy",)),
    ("Kafka client (serialize, batch, network)", ("org.apache.kafka.",)),
    ("JSON validation (Jackson streaming parse)", ("com.fasterxml.jackson",)),
    ("our processors (validation, splice, headers, event time, outcomes)",
     ("tmdb.ingestion.preprocessor", "tmdb.ingestion.record", "tmdb.ingestion.producer", "tmdb.ingestion.deadletter")),
    ("line reading, admission and file accounts", ("tmdb.ingestion.loader", "tmdb.ingestion.file")),
    ("camel-kafka producer (headers, callbacks)", ("org.apache.camel.component.kafka",)),
    ("Camel dynamic endpoint resolution (toD)", ("org.apache.camel.processor.SendDynamicProcessor",)),
    ("Camel aggregator and sort (windows)", ("org.apache.camel.processor.aggregate", "org.apache.camel.processor.SortProcessor")),
    ("Camel routing engine (exchanges, properties, headers)", ("org.apache.camel",)),
]


def component(frames):
    for frame in frames:
        for name, prefixes in COMPONENTS:
            if frame.startswith(prefixes):
                return name
    return "JDK, GC, other"


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    samples = [e for e in text.split("jdk.")[1:] if e.startswith("ExecutionSample")]
    counts = collections.Counter()
    for sample in samples:
        frames = [line.strip() for line in sample.splitlines() if re.match(r"\s+[a-z]", line) and "(" in line]
        counts[component(frames)] += 1
    print(f"{len(samples)} samples")
    print("| component | share of CPU samples |")
    print("|---|---:|")
    for name, count in counts.most_common():
        print(f"| {name} | {100 * count / len(samples):.0f}% |")


if __name__ == "__main__":
    main()
