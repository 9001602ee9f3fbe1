"""The Java client, through Kafka's own CLI tools (same jars as the real-Kafka harness).
Their output is compared after dropping what differs by nature (ids, timings)."""
import re
import time

from harness import case, commit_sync


def table(lines, drop_cols=()):
    """Whitespace-separated rows with some columns dropped."""
    out = []
    for line in lines:
        cols = line.split()
        out.append([c for i, c in enumerate(cols) if i not in drop_cols])
    return out


@case
def case_java_topics_create_describe(ctx):
    t = ctx.name()
    rc, out, err = ctx.java_tool("topics", "--create", "--topic", t, "--partitions", "3", "--replication-factor", "1", "--config", "retention.ms=60000")
    rc2, desc, err2 = ctx.java_tool("topics", "--describe", "--topic", t)
    # TopicId and node ids differ between clusters by nature.
    desc = [re.sub(r"TopicId: \S+", "TopicId: <id>", l) for l in desc]
    desc = [re.sub(r"(Leader|Replicas|Isr|Elr|LastKnownElr): [\d,]+", r"\1: <n>", l) for l in desc]
    return {"create": [rc, out, err], "describe": [rc2, desc, err2]}


@case
def case_java_topics_create_invalid(ctx):
    results = []
    for args in (["--topic", "bad/name", "--partitions", "1"], ["--topic", ctx.name("rf"), "--partitions", "1", "--replication-factor", "3"], ["--topic", ctx.name("cfg"), "--config", "cleanup.policy=bogus"]):
        rc, out, err = ctx.java_tool("topics", "--create", *args)
        results.append([rc, out, [l for l in err if l.startswith("Error") or "Exception" in l][:1]])
    return results


@case
def case_java_configs_describe_topic(ctx):
    t = ctx.topic(config={"retention.ms": "4242"})
    rc, out, err = ctx.java_tool("configs", "--describe", "--entity-type", "topics", "--entity-name", t)
    rc2, out2, err2 = ctx.java_tool("configs", "--alter", "--entity-type", "topics", "--entity-name", t, "--add-config", "segment.ms=99999")
    rc3, out3, err3 = ctx.java_tool("configs", "--describe", "--entity-type", "topics", "--entity-name", t)
    return [[rc, out, err], [rc2, out2, err2], [rc3, out3, err3]]


@case
def case_java_get_offsets(ctx):
    t = ctx.topic(partitions=2)
    ctx.produce(t, [(None, b"x", None, 1) for _ in range(5)])
    latest = ctx.java_tool("get-offsets", "--topic", t)
    earliest = ctx.java_tool("get-offsets", "--topic", t, "--time", "earliest")
    return [latest, earliest]


@case
def case_java_consumer_groups_describe(ctx):
    from confluent_kafka import TopicPartition

    t = ctx.topic(partitions=2)
    ctx.produce(t, [(None, b"x", None, 0) for _ in range(6)])
    group = ctx.name("g")
    c = ctx.consumer(group)
    commit_sync(c, [TopicPartition(t, 0, 2), TopicPartition(t, 1, 0)])
    rc, out, err = ctx.java_tool("consumer-groups", "--describe", "--group", group)
    rc2, out2, err2 = ctx.java_tool("consumer-groups", "--describe", "--group", ctx.name("nobody"))
    return {"known": [rc, table(out), err], "unknown": [rc2, out2, err2]}


@case
def case_java_console_round_trip(ctx):
    import subprocess
    import os

    t = ctx.topic()
    from harness import ROOT

    prod = subprocess.run(
        ["bash", os.path.join(ROOT, "scripts/real-kafka.sh"), "tool", "console-producer", "--bootstrap-server", ctx.bootstrap, "--topic", t,
         "--property", "parse.key=true", "--property", "key.separator=:"],
        input="a:1\nb:2\nc:3\n", capture_output=True, text=True, timeout=60,
    )
    rc, out, err = ctx.java_tool("console-consumer", "--topic", t, "--from-beginning", "--max-messages", "3", "--property", "print.key=true", "--property", "print.offset=true", "--property", "print.partition=true")
    return {"produce_rc": prod.returncode, "consumed": out, "rc": rc}


def java_member(ctx, group, client_id, topic, out):
    """A Java consumer (Kafka's console consumer) with the consumer protocol, printing
    partition and offset of each message it reads to `out`."""
    import os
    import subprocess

    from harness import ROOT

    p = subprocess.Popen(
        ["bash", os.path.join(ROOT, "scripts/real-kafka.sh"), "tool", "console-consumer",
         "--bootstrap-server", ctx.bootstrap, "--topic", topic, "--group", group,
         "--consumer-property", "group.protocol=consumer",
         "--consumer-property", f"client.id={client_id}",
         "--consumer-property", "auto.offset.reset=earliest",
         "--property", "print.partition=true", "--property", "print.offset=true",
         "--property", "print.value=false"],
        stdout=out, stderr=subprocess.DEVNULL, start_new_session=True,
    )

    def stop():
        import signal

        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)  # the JVM closes the consumer: a leave heartbeat
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    ctx._closers.append(stop)
    return stop


def java_members(ctx, group):
    """What Kafka's consumer-groups tool (the Java admin client) says of a consumer-protocol
    group: state, group and assignment epochs, and per client id its epochs and partitions."""
    _, state, _ = ctx.java_tool("consumer-groups", "--describe", "--group", group, "--state", "--verbose")
    _, members, _ = ctx.java_tool("consumer-groups", "--describe", "--group", group, "--members", "--verbose")
    out = {"state": None, "members": {}}
    for line in state:
        cols = line.split()
        if cols and cols[0] == group:
            # GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE GROUP-EPOCH TARGET-EPOCH #MEMBERS:
            # assignor, state and the two epochs.
            out["state"] = cols[-5:-1]
    for line in members:
        cols = line.split()
        if cols and cols[0] == group:
            # GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS CURRENT-EPOCH CURRENT TARGET-EPOCH TARGET
            out["members"][cols[3]] = cols[5:]
    return out


@case
def case_java_consumer_protocol_seed_demo(ctx):
    """The seed's A/B/C demo with Java consumers speaking the consumer protocol, watched
    through the Java admin client; every message is read once."""
    import tempfile
    import time

    t = ctx.topic(partitions=2)
    group = ctx.name("jg")
    batch = lambda n: ctx.produce(t, [(None, b"m", None, i % 2) for i in range(n)])  # noqa: E731
    files = {n: tempfile.TemporaryFile(mode="w+") for n in "ABC"}
    stops = {}

    def settle(want, timeout=60):
        deadline = time.monotonic() + timeout
        seen = None
        while time.monotonic() < deadline:
            seen = java_members(ctx, group)
            held = {c: m[1] for c, m in seen["members"].items() if len(m) > 1}
            # The two tools run one after the other: settled means both agree (every
            # member at the group's epoch) as well as the partitions being as wanted.
            epochs = {m[0] for m in seen["members"].values()} | {m[2] for m in seen["members"].values() if len(m) > 2}
            stable = seen["state"] and seen["state"][1] == "Stable" and epochs == {seen["state"][2]}
            if stable and held == want:
                return seen
            time.sleep(0.5)
        raise AssertionError(f"never settled at {want}: {seen}")

    steps = {}
    batch(6)
    stops["A"] = java_member(ctx, group, "A", t, files["A"])
    steps["A alone"] = settle({"A": f"{t}:0,1"})
    stops["B"] = java_member(ctx, group, "B", t, files["B"])
    steps["B joins"] = settle({"A": f"{t}:0", "B": f"{t}:1"})
    batch(4)
    stops["C"] = java_member(ctx, group, "C", t, files["C"])
    steps["C joins"] = settle({"A": f"{t}:0", "B": f"{t}:1", "C": "-"})
    stops["A"]()
    steps["A leaves"] = settle({"B": f"{t}:1", "C": f"{t}:0"})
    batch(4)
    deadline = time.monotonic() + 30
    read = []
    while time.monotonic() < deadline:
        read = []
        for f in files.values():
            f.seek(0)
            read += [l.split()[:2] for l in f.read().splitlines() if l.startswith("Partition:")]
        if len(read) >= 14:
            break
        time.sleep(0.5)
    steps["read"] = {"messages": len(read), "distinct": len({tuple(r) for r in read})}
    return steps


def broker_id(ctx):
    """The id of the cluster's only broker (0 here, 1 on the test Kafka)."""
    return str(next(iter(ctx.admin().list_topics(timeout=10).brokers)))


def configs_tool(ctx, *args, keep=None):
    """kafka-configs with the broker id made comparable and, with `keep`, only the
    lines about that config (Kafka's own cluster defaults, such as the
    min.insync.replicas its storage format writes, are machinery)."""
    bid = broker_id(ctx)
    rc, out, err = ctx.java_tool("configs", *args)
    out = [re.sub(rf"\bbroker {bid}\b", "broker <id>", l) for l in out]
    if keep:
        out = [l for l in out if not l.startswith("  ") or keep in l]
    return [rc, out, err]


@case
def case_java_configs_broker_default_and_synonyms(ctx):
    """`--entity-default` values are listed as DYNAMIC_DEFAULT_BROKER_CONFIG; a broker's
    own value lists the default and Kafka's default beneath it as synonyms."""
    key = "log.cleaner.threads"
    bid = broker_id(ctx)
    default = ["--entity-type", "brokers", "--entity-default"]
    own = ["--entity-type", "brokers", "--entity-name", bid]
    steps = {
        "set default": configs_tool(ctx, "--alter", *default, "--add-config", f"{key}=2"),
        "describe default": configs_tool(ctx, "--describe", *default, keep=key),
        "set own": configs_tool(ctx, "--alter", *own, "--add-config", f"{key}=3"),
        "describe own": configs_tool(ctx, "--describe", *own, keep=key),
    }
    # Cluster-wide state: other cases must not see it.
    configs_tool(ctx, "--alter", *own, "--delete-config", key)
    configs_tool(ctx, "--alter", *default, "--delete-config", key)
    steps["after delete"] = configs_tool(ctx, "--describe", *default, keep=key)
    return steps


@case
def case_java_configs_group_synonyms(ctx):
    group = ["--entity-type", "groups", "--entity-name", ctx.name("g")]
    return [
        configs_tool(ctx, "--alter", *group, "--add-config", "consumer.session.timeout.ms=50000"),
        configs_tool(ctx, "--describe", *group),
    ]


@case
def case_java_configs_users_and_client_metrics(ctx):
    """No quotas or client-metrics resources: empty answers (DescribeClientQuotas,
    ListConfigResources). Users: the SCRAM users both brokers were given, one line each,
    compared as a set, and each line's mechanisms too (Kafka prints both in hash-map order,
    keyed by enum identity hashes, so the order changes from one JVM run to the next)."""
    out = {kind: configs_tool(ctx, "--describe", "--entity-type", kind) for kind in ("users", "client-metrics")}
    out["users"][1] = sorted(sort_scram_mechanisms(line) for line in out["users"][1])
    return out


def sort_scram_mechanisms(line):
    """'... are SCRAM-SHA-512=iterations=4096, SCRAM-SHA-256=iterations=4096' with the
    mechanisms sorted."""
    head, sep, mechs = line.partition(" are ")
    return head + sep + ", ".join(sorted(mechs.split(", "))) if sep else line


@case
def case_java_topics_shrink_partitions(ctx):
    t = ctx.topic(partitions=4)
    rc, out, err = ctx.java_tool("topics", "--alter", "--topic", t, "--partitions", "2")
    return [rc, out, [l for l in err if "Exception" in l or l.startswith("Error")]]


def consumer_group_describe(ctx, group):
    """A bare ConsumerGroupDescribe v0 for one group: its error code and message (a
    fresh Kafka's coordinator may first say it is loading; asked again then)."""
    import socket
    import struct

    def compact(s):
        b = s.encode()
        return bytes([len(b) + 1]) + b

    host, port = ctx.bootstrap.split(":")
    body = compact(group)
    request = struct.pack(">hhih", 69, 0, 1, 4) + b"diff" + b"\x00" + b"\x02" + body + b"\x00\x00"
    deadline = time.monotonic() + 15
    while True:
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(struct.pack(">i", len(request)) + request)
            size = struct.unpack(">i", recv_exactly(s, 4))[0]
            resp = recv_exactly(s, size)
        # correlation id, header tags, throttle time, group count; then the first group.
        at = 4 + 1 + 4 + 1
        code = struct.unpack(">h", resp[at : at + 2])[0]
        n = resp[at + 2] - 1
        message = resp[at + 3 : at + 3 + n].decode() if n >= 0 else None
        if code not in (14, 15, 16) or time.monotonic() > deadline:
            return [code, message]
        time.sleep(0.2)


def recv_exactly(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise ConnectionError("closed")
        out += chunk
    return out


@case
def case_java_consumer_groups_group_of_another_type(ctx):
    """What `kafka-consumer-groups --describe` asks (ConsumerGroupDescribe) about a group
    that is not a consumer group: a classic group with only committed offsets, and no
    group at all. (A share group is the other kind; the embedded broker has none yet.)"""
    from confluent_kafka import TopicPartition

    t = ctx.topic()
    group = ctx.name("simple")
    commit_sync(ctx.consumer(group), [TopicPartition(t, 0, 1)])
    return {
        "classic": consumer_group_describe(ctx, group),
        "unknown": consumer_group_describe(ctx, ctx.name("nobody")),
    }
