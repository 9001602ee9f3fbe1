"""Clients for the health scenarios (kafka-python), so that a member can be paused with
SIGSTOP the way a stuck process is.

    health_member.py BOOTSTRAP produce TOPIC       five messages a second until killed
    health_member.py BOOTSTRAP consume GROUP TOPIC  reads and auto-commits twice a second;
                                                    leaves the group cleanly on SIGTERM
    health_member.py BOOTSTRAP seed TOPIC N         writes N messages and exits
"""

import signal
import sys
import time

from kafka import KafkaConsumer, KafkaProducer

boot, mode = sys.argv[1], sys.argv[2]
if mode in ("produce", "seed"):
    topic = sys.argv[3]
    producer = KafkaProducer(bootstrap_servers=boot, linger_ms=0)
    if mode == "seed":
        for i in range(int(sys.argv[4])):
            producer.send(topic, value=b"seed-%d" % i)
        producer.flush()
        sys.exit(0)
    i = 0
    while True:
        producer.send(topic, value=b"tick-%d" % i)
        producer.flush()
        i += 1
        time.sleep(0.2)
elif mode == "consume":
    group, topic = sys.argv[3], sys.argv[4]
    consumer = KafkaConsumer(topic, bootstrap_servers=boot, group_id=group,
                             client_id=group + "-member", auto_offset_reset="earliest",
                             enable_auto_commit=True, auto_commit_interval_ms=500,
                             session_timeout_ms=6000, heartbeat_interval_ms=500)

    def leave(*_):
        consumer.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, leave)
    while True:
        consumer.poll(200)
