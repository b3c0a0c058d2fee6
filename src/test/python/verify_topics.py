#!/usr/bin/python3
"""Independent check of what tmdb-ingestion published, with librdkafka (Debian's python3-confluent-kafka).

Reads the topics from the beginning with isolation.level=read_committed, as the platform's Spark jobs do, and
prints one JSON object: records per topic, and how many records break the contract (duplicates of a source line,
key not equal to the id field, missing data_type / data_label / timestamp, timestamp not an ISO-8601 instant).

  verify_topics.py BOOTSTRAP TOPIC[,TOPIC...] EXPECTED_RECORDS [TIMEOUT_SECONDS]
"""
import json
import sys
import time
from datetime import datetime

from confluent_kafka import Consumer, TopicPartition


def main():
    bootstrap, topics, expected = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 120
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "verify-%d" % time.time_ns(),
                         "isolation.level": "read_committed", "enable.auto.commit": False,
                         "auto.offset.reset": "earliest"})
    metadata = consumer.list_topics(timeout=30)
    partitions = [TopicPartition(t, p, 0) for t in topics for p in metadata.topics[t].partitions]
    consumer.assign(partitions)

    by_topic, sources = {}, set()
    problems = {"duplicates": 0, "key_mismatch": 0, "missing_fields": 0, "bad_timestamp": 0, "wrong_topic_type": 0}
    records, deadline, quiet_until = 0, time.time() + timeout, None
    while time.time() < deadline and (quiet_until is None or time.time() < quiet_until):
        for message in consumer.consume(num_messages=5000, timeout=0.5):
            if message.error():
                raise SystemExit("consumer error: %s" % message.error())
            records += 1
            by_topic[message.topic()] = by_topic.get(message.topic(), 0) + 1
            headers = {k: v.decode() for k, v in (message.headers() or [])}
            source = (headers.get("source_file"), headers.get("source_line"))
            if source in sources:
                problems["duplicates"] += 1
            sources.add(source)
            value = json.loads(message.value())
            data_type = value.get("data_type")
            if data_type is None or value.get("data_label") is None or value.get("timestamp") is None:
                problems["missing_fields"] += 1
                continue
            if str(value.get(data_type + "_id")) != message.key().decode():
                problems["key_mismatch"] += 1
            if headers.get("data_type") != data_type:
                problems["wrong_topic_type"] += 1
            try:
                datetime.strptime(value["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
            except ValueError:
                problems["bad_timestamp"] += 1
        if records >= expected and quiet_until is None:
            quiet_until = time.time() + 2
    consumer.close()
    print(json.dumps({"records": records, "by_topic": by_topic, **problems}))


if __name__ == "__main__":
    main()
