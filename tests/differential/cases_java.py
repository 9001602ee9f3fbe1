"""The Java client, through Kafka's own CLI tools (same jars as the real-Kafka harness).
Their output is compared after dropping what differs by nature (ids, timings)."""
import re

from harness import case


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
    c.commit(offsets=[TopicPartition(t, 0, 2), TopicPartition(t, 1, 0)], asynchronous=False)
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
