"""The seed's walkthrough with Python clients we did not write, against `kafka-dash broker`.

confluent-kafka wraps librdkafka; kafka-python has its own protocol code. Usage:
    python_clients.py HOST:PORT
Prints one line per check and ends with 'N passed, N failed'.
"""

import sys
import time
import traceback
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka import TopicPartition as KTopicPartition

BOOT = sys.argv[1]
RESULTS = []


def check(fn):
    """Runs one scenario and records whether it held."""
    try:
        fn()
        RESULTS.append(True)
        print(f"ok   {fn.__name__}")
    except Exception:  # noqa: BLE001 - a failed scenario is reported, not raised
        RESULTS.append(False)
        print(f"FAIL {fn.__name__}")
        traceback.print_exc()


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def ck_consume(conf, topic, want, timeout=20):
    """Consumes `want` messages with confluent-kafka; returns (consumer, messages)."""
    c = Consumer(conf)
    c.subscribe([topic])
    got, deadline = [], time.time() + timeout
    while len(got) < want and time.time() < deadline:
        m = c.poll(0.5)
        if m is None or m.error():
            continue
        got.append(m)
    return c, got


def wait_group(admin_describe, group, predicate, timeout=20):
    """Polls a describe function until `predicate(description)` holds."""
    deadline, last = time.time() + timeout, None
    while time.time() < deadline:
        last = admin_describe(group)
        if predicate(last):
            return last
        time.sleep(0.3)
    raise AssertionError(f"group {group} never reached the expected state; last: {last}")


def confluent_walkthrough():
    topic, group = unique("ck"), unique("ck-grp")
    admin = AdminClient({"bootstrap.servers": BOOT})
    for fut in admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)]).values():
        fut.result(10)
    md = admin.list_topics(timeout=10)
    assert len(md.topics[topic].partitions) == 2, md.topics[topic].partitions
    reports = []
    p = Producer({"bootstrap.servers": BOOT})
    for i in range(2):
        p.produce(topic, value=b"Hello Go!", key=b"k", partition=0,
                  headers=[("myTestHeader", b"header values are binary")],
                  on_delivery=lambda err, msg: reports.append((err, msg.partition(), msg.offset())))
    p.flush(10)
    assert reports == [(None, 0, 0), (None, 0, 1)], reports
    conf = {"bootstrap.servers": BOOT, "group.id": group, "auto.offset.reset": "earliest",
            "session.timeout.ms": 6000, "client.id": "ck-member", "enable.auto.commit": False}
    c, got = ck_consume(conf, topic, 2)
    assert [m.offset() for m in got] == [0, 1], [m.offset() for m in got]
    assert got[0].headers() == [("myTestHeader", b"header values are binary")], got[0].headers()
    c.commit(asynchronous=False)
    listed = admin.list_consumer_groups().result(10)
    assert group in [g.group_id for g in listed.valid], listed.valid
    desc = wait_group(lambda g: admin.describe_consumer_groups([g])[g].result(10), group,
                      lambda d: str(d.state).endswith("STABLE") and d.members and d.members[0].assignment.topic_partitions)
    m = desc.members[0]
    assert m.client_id == "ck-member" and m.host.endswith("127.0.0.1"), (m.client_id, m.host)
    assert sorted(tp.partition for tp in m.assignment.topic_partitions) == [0, 1]
    offs = admin.list_consumer_group_offsets(
        [__import__("confluent_kafka").ConsumerGroupTopicPartitions(group)])[group].result(10)
    committed = {tp.partition: tp.offset for tp in offs.topic_partitions}
    assert committed.get(0) == 2, committed
    low, high = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    assert (low, high) == (0, 2), (low, high)
    c.close()


def confluent_two_groups_each_get_everything():
    topic = unique("ck-two")
    p = Producer({"bootstrap.servers": BOOT})
    for i in range(3):
        p.produce(topic, value=f"Message {i}".encode())
    p.flush(10)
    for g in (unique("a"), unique("b")):
        conf = {"bootstrap.servers": BOOT, "group.id": g, "auto.offset.reset": "earliest"}
        c, got = ck_consume(conf, topic, 3)
        assert [m.value() for m in got] == [b"Message 0", b"Message 1", b"Message 2"], got
        c.close()


def kafka_python_walkthrough():
    topic, group = unique("kp"), unique("kp-grp")
    admin = KafkaAdminClient(bootstrap_servers=BOOT)
    from kafka.admin import NewTopic as KNewTopic
    admin.create_topics([KNewTopic(topic, num_partitions=2, replication_factor=1)])
    assert topic in admin.list_topics()
    prod = KafkaProducer(bootstrap_servers=BOOT)
    metas = [prod.send(topic, value=b"v%d" % i, key=b"k", partition=i % 2,
                       headers=[("myTestHeader", b"header values are binary")]).get(10) for i in range(4)]
    assert sorted((m.partition, m.offset) for m in metas) == [(0, 0), (0, 1), (1, 0), (1, 1)], metas
    cons = KafkaConsumer(topic, bootstrap_servers=BOOT, group_id=group, client_id="kp-member",
                         auto_offset_reset="earliest", enable_auto_commit=False, session_timeout_ms=6000)
    got, deadline = [], time.time() + 20
    while len(got) < 4 and time.time() < deadline:
        for recs in cons.poll(500).values():
            got.extend(recs)
    assert len(got) == 4, got
    assert all(r.headers == [("myTestHeader", b"header values are binary")] for r in got), got[0].headers
    cons.commit()
    assert group in [g[0] for g in admin.list_consumer_groups()], admin.list_consumer_groups()

    def describe(g):
        return admin.describe_consumer_groups([g])[0]

    def stable(d):
        return d.state == "Stable" and d.members and d.members[0].member_assignment is not None

    d = wait_group(describe, group, stable)
    m = d.members[0]
    assert m.client_id == "kp-member" and m.client_host.endswith("127.0.0.1"), (m.client_id, m.client_host)
    parts = sorted(p for t, ps in m.member_assignment.assignment for p in ps)
    assert parts == [0, 1], m.member_assignment
    offs = admin.list_consumer_group_offsets(group)
    assert {tp.partition: o.offset for tp, o in offs.items()} == {0: 2, 1: 2}, offs
    tps = [KTopicPartition(topic, 0), KTopicPartition(topic, 1)]
    assert cons.beginning_offsets(tps) == {tps[0]: 0, tps[1]: 0}
    assert cons.end_offsets(tps) == {tps[0]: 2, tps[1]: 2}
    cons.close()
    admin.close()


def mixed_group_members_split_partitions():
    """A librdkafka member and a kafka-python member share one group and one topic."""
    topic, group = unique("mix"), unique("mix-grp")
    admin = AdminClient({"bootstrap.servers": BOOT})
    for fut in admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)]).values():
        fut.result(10)
    c1 = Consumer({"bootstrap.servers": BOOT, "group.id": group, "client.id": "mix-ck",
                   "session.timeout.ms": 6000, "heartbeat.interval.ms": 500,
                   "partition.assignment.strategy": "range"})
    c1.subscribe([topic])
    c2 = KafkaConsumer(topic, bootstrap_servers=BOOT, group_id=group, client_id="mix-kp",
                       session_timeout_ms=6000, heartbeat_interval_ms=500)
    deadline = time.time() + 30
    while time.time() < deadline:
        c1.poll(0.2)
        c2.poll(200)
        d = admin.describe_consumer_groups([group])[group].result(10)
        if str(d.state).endswith("STABLE") and len(d.members) == 2 and all(m.assignment.topic_partitions for m in d.members):
            break
    owners = {m.client_id: [tp.partition for tp in m.assignment.topic_partitions] for m in d.members}
    assert sorted(owners) == ["mix-ck", "mix-kp"], owners
    assert sorted(sum(owners.values(), [])) == [0, 1], owners
    c1.close()
    c2.close()


for scenario in (confluent_walkthrough, confluent_two_groups_each_get_everything,
                 kafka_python_walkthrough, mixed_group_members_split_partitions):
    check(scenario)
passed = sum(RESULTS)
print(f"python clients: {passed} passed, {len(RESULTS) - passed} failed")
sys.exit(0 if all(RESULTS) else 1)
