#!/usr/bin/env python3
"""Client steps for tests/e2e/secure.sh on a secured cluster, with confluent-kafka: its
wheel's librdkafka has OIDC and SCRAM that work with Kafka 4 (Debian's kcat has neither).

    secure_client.py BOOTSTRAP [-X key=value]... COMMAND ARGS
      metadata                     "N brokers, topics: a,b,..." (checks the settings work)
      create NAME:PARTITIONS ...   creates topics
      config TOPIC KEY             prints the topic's value for config KEY
      consume TOPIC                "key value name=value..." for every message, then exits
      member GROUP TOPIC           joins GROUP (classic protocol) as client.id secure-member
                                   and keeps polling until killed; prints "assigned" once
      members GROUP                "STATE N": the group's state and how many members it has
"""

import signal
import sys

from confluent_kafka import Consumer, KafkaError
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic


def parse(argv):
    """(bootstrap, librdkafka settings, command, its arguments) from the command line."""
    conf = {"bootstrap.servers": argv[1]}
    rest = argv[2:]
    while len(rest) >= 2 and rest[0] == "-X":
        key, _, value = rest[1].partition("=")
        conf[key] = value
        rest = rest[2:]
    if not rest:
        sys.exit(__doc__)
    return conf, rest[0], rest[1:]


def metadata(conf, _args):
    md = AdminClient(conf).list_topics(timeout=15)
    print(f"{len(md.brokers)} brokers, topics: {','.join(sorted(md.topics))}")


def create(conf, args):
    specs = [a.split(":") for a in args]
    # The client must outlive its futures: a collected one cancels them.
    admin = AdminClient(conf)
    futures = admin.create_topics(
        [NewTopic(name, num_partitions=int(parts)) for name, parts in specs], operation_timeout=30)
    for name, fut in futures.items():
        fut.result()
        print(f"created {name}")


def config(conf, args):
    res = ConfigResource(ConfigResource.Type.TOPIC, args[0])
    admin = AdminClient(conf)
    for fut in admin.describe_configs([res]).values():
        print(fut.result()[args[1]].value)


def consume(conf, args):
    conf = dict(conf, **{"group.id": "secure-check", "auto.offset.reset": "earliest",
                         "enable.auto.commit": "false", "enable.partition.eof": "true"})
    c = Consumer(conf)
    c.subscribe([args[0]])
    try:
        while True:
            m = c.poll(15)
            if m is None:
                raise SystemExit("no message within 15 s")
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    break
                raise SystemExit(str(m.error()))
            heads = " ".join(f"{k}={v.decode()}" for k, v in (m.headers() or []))
            key = (m.key() or b"").decode()
            print(f"{key} {(m.value() or b'').decode()} {heads}".strip())
    finally:
        c.close()


def member(conf, args):
    conf = dict(conf, **{"group.id": args[0], "client.id": "secure-member",
                         "auto.offset.reset": "earliest"})
    c = Consumer(conf)
    said = []

    def on_assign(_consumer, parts):
        if not said:
            said.append(1)
            print("assigned", flush=True)

    c.subscribe([args[1]], on_assign=on_assign)
    # SIGTERM leaves the group cleanly, as a person's Ctrl-C would.
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    try:
        while not stop:
            c.poll(0.5)
    finally:
        c.close()


def members(conf, args):
    """Prints GROUP's state and member count, as the cluster describes the group."""
    (group,) = args
    admin = AdminClient(conf)  # kept: a collected client cancels its futures
    g = admin.describe_consumer_groups([group])[group].result(timeout=10)
    print(f"{g.state.name} {len(g.members)}")


def main():
    conf, cmd, args = parse(sys.argv)
    {"metadata": metadata, "create": create, "config": config, "consume": consume,
     "member": member, "members": members}.get(cmd, lambda *_: sys.exit(__doc__))(conf, args)


if __name__ == "__main__":
    main()
