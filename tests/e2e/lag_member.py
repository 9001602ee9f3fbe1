"""A kafka-python member that consumes what is there, commits, then stops polling
("paused") while more messages arrive; prints the lag kafka-python computes.

    lag_member.py BOOTSTRAP GROUP TOPIC OUTFILE
Writes 'LAG topic partition lag' lines to OUTFILE, then stays in the group a while; on
SIGTERM it leaves the group cleanly.
"""

import signal
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

boot, group, topic, out = sys.argv[1:5]
producer = KafkaProducer(bootstrap_servers=boot)
for p in (0, 1):
    for i in range(3):
        producer.send(topic, value=b"before-%d" % i, partition=p)
producer.flush()

consumer = KafkaConsumer(topic, bootstrap_servers=boot, group_id=group, client_id="lag-member",
                         auto_offset_reset="earliest", enable_auto_commit=False,
                         session_timeout_ms=10000, heartbeat_interval_ms=500)
seen, deadline = 0, time.time() + 30
while seen < 6 and time.time() < deadline:
    for records in consumer.poll(300).values():
        seen += len(records)
consumer.commit()

# Paused: no more polling; the heartbeat thread keeps the member in the group.
for p, n in ((0, 7), (1, 4)):
    for i in range(n):
        producer.send(topic, value=b"while-paused-%d" % i, partition=p)
producer.flush()

admin = KafkaAdminClient(bootstrap_servers=boot)
committed = admin.list_consumer_group_offsets(group)
tps = [TopicPartition(topic, p) for p in (0, 1)]
ends = consumer.end_offsets(tps)
with open(out, "w") as f:
    for tp in tps:
        f.write(f"LAG {tp.topic} {tp.partition} {ends[tp] - committed[tp].offset}\n")


def leave(*_):
    consumer.close()
    sys.exit(0)


signal.signal(signal.SIGTERM, leave)
time.sleep(90)
