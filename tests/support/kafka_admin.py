"""Small admin steps for the shell test suites, done with confluent-kafka (librdkafka) so
that they work the same on `kafka-dash broker` and on Apache Kafka.

    kafka_admin.py BOOTSTRAP create NAME:PARTITIONS[:REPLICATION] ...
    kafka_admin.py BOOTSTRAP leaders TOPIC       one line per partition: "P LEADER R1,R2 I1,I2"
    kafka_admin.py BOOTSTRAP brokers             the ids of the brokers in the metadata
    kafka_admin.py BOOTSTRAP min-version API_KEY the lowest version the broker accepts
                                                 (ApiVersions, read with kafka-python)
"""

import sys

from confluent_kafka.admin import AdminClient, NewTopic


def main() -> int:
    boot, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    admin = AdminClient({"bootstrap.servers": boot})
    if cmd == "create":
        topics = []
        for spec in args:
            parts = spec.split(":")
            rf = int(parts[2]) if len(parts) > 2 else -1
            topics.append(NewTopic(parts[0], num_partitions=int(parts[1]), replication_factor=rf))
        for name, fut in admin.create_topics(topics, operation_timeout=30).items():
            fut.result()
            print(f"created {name}")
    elif cmd == "leaders":
        md = admin.list_topics(args[0], timeout=10)
        for p in sorted(md.topics[args[0]].partitions.values(), key=lambda p: p.id):
            print(p.id, p.leader, ",".join(map(str, p.replicas)), ",".join(map(str, p.isrs)))
    elif cmd == "brokers":
        print(" ".join(str(b) for b in sorted(admin.list_topics(timeout=10).brokers)))
    elif cmd == "min-version":
        from kafka import KafkaAdminClient

        versions = KafkaAdminClient(bootstrap_servers=boot)._client.get_api_versions()
        print(versions[int(args[0])][0])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
