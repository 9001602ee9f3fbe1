"""Topic and config administration through confluent-kafka's AdminClient and
kafka-python's KafkaAdminClient, bad input included."""
import time

from confluent_kafka.admin import (
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    NewPartitions,
    NewTopic,
    ResourceType,
)

from harness import case, err_name


def configs_of(ctx, name, keys=None):
    res = ConfigResource(ResourceType.TOPIC, name)
    try:
        entries = ctx.admin().describe_configs([res], request_timeout=15)[res].result(timeout=20)
    except Exception as e:
        return err_name(e)
    return {
        k: {"value": e.value, "source": e.source, "read_only": e.is_read_only, "sensitive": e.is_sensitive}
        for k, e in sorted(entries.items())
        if keys is None or k in keys
    }


def partitions_of(ctx, name):
    md = ctx.admin().list_topics(name, timeout=10)
    t = md.topics.get(name)
    if t is None:
        return "missing"
    if t.error is not None:
        return err_name(t.error)
    return len(t.partitions)


# --- creating topics -------------------------------------------------------------


@case
def case_create_three_partitions(ctx):
    r = ctx.create(partitions=3)
    ctx.wait_topic(ctx.name(), 3)
    return {"create": r, "partitions": partitions_of(ctx, ctx.name())}


@case
def case_create_name_with_slash(ctx):
    return ctx.create(name="a/b")


@case
def case_create_name_dot(ctx):
    return ctx.create(name=".")


@case
def case_create_name_dotdot(ctx):
    return ctx.create(name="..")


@case
def case_create_name_250_chars(ctx):
    return ctx.create(name="x" * 250)


@case
def case_create_name_249_chars(ctx):
    name = (ctx.name() + "-" + "y" * 249)[:249]
    r = ctx.create(name=name)
    ctx.admin().delete_topics([name])[name].result(timeout=20)
    return r


@case
def case_create_name_with_space_and_unicode(ctx):
    return [ctx.create(name="has space"), ctx.create(name="ünïcode")]


@case
def case_create_zero_partitions(ctx):
    return ctx.create(partitions=0)


@case
def case_create_minus_one_partitions_uses_default(ctx):
    r = ctx.create(partitions=-1)
    if r == "ok":
        ctx.wait_topic(ctx.name(), 1)
    return {"create": r, "partitions": partitions_of(ctx, ctx.name())}


@case
def case_create_minus_two_partitions(ctx):
    # confluent-kafka refuses -2 itself; kafka-python sends it.
    return kp_create(ctx, ctx.name(), -2, 1, {})


@case
def case_create_replication_factor_3_on_one_broker(ctx):
    return ctx.create(rf=3)


@case
def case_create_replication_factor_0(ctx):
    return ctx.create(rf=0)


@case
def case_create_unknown_config(ctx):
    return ctx.create(config={"no.such.config": "1"})


@case
def case_create_retention_ms_abc(ctx):
    return ctx.create(config={"retention.ms": "abc"})


@case
def case_create_cleanup_policy_bogus(ctx):
    return ctx.create(config={"cleanup.policy": "bogus"})


@case
def case_create_max_message_bytes_negative(ctx):
    return ctx.create(config={"max.message.bytes": "-1"})


@case
def case_create_min_insync_replicas_2_on_rf_1(ctx):
    # Kafka allows it (producing with acks=all then fails, see the records cases).
    return ctx.create(config={"min.insync.replicas": "2"})


@case
def case_create_valid_configs(ctx):
    cfg = {"cleanup.policy": "compact,delete", "retention.ms": "60000", "max.message.bytes": "2000"}
    r = ctx.create(config=cfg)
    time.sleep(0.5)
    return {"create": r, "configs": configs_of(ctx, ctx.name(), cfg.keys())}


@case
def case_create_existing_topic(ctx):
    first = ctx.create()
    return [first, ctx.create()]


@case
def case_create_colliding_dot_underscore(ctx):
    first = ctx.create(name=ctx.name("has_und"))
    return [first, ctx.create(name=ctx.name("has.und"))]


@case
def case_create_validate_only(ctx):
    r = ctx.create(partitions=2, validate_only=True)
    time.sleep(0.3)
    return {"validate": r, "then": ctx.metadata_error(ctx.name())}


@case
def case_create_validate_only_bad_config(ctx):
    return ctx.create(config={"retention.ms": "abc"}, validate_only=True)


@case
def case_create_two_topics_one_bad(ctx):
    good, bad = ctx.name("good"), ctx.name("bad/")
    fs = ctx.admin().create_topics([NewTopic(good, 1, 1), NewTopic(bad, 1, 1)])
    out = {}
    for n, f in fs.items():
        try:
            f.result(timeout=20)
            out[n] = "ok"
        except Exception as e:
            out[n] = err_name(e)
    return out


# --- deleting and growing --------------------------------------------------------


@case
def case_delete_unknown_topic(ctx):
    try:
        ctx.admin().delete_topics([ctx.name()])[ctx.name()].result(timeout=20)
        return "ok"
    except Exception as e:
        return err_name(e)


@case
def case_delete_then_gone(ctx):
    t = ctx.topic(partitions=2)
    ctx.admin().delete_topics([t])[t].result(timeout=20)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and t in ctx.admin().list_topics(timeout=5).topics:
        time.sleep(0.2)
    return t in ctx.admin().list_topics(timeout=5).topics


@case
def case_grow_partitions(ctx):
    t = ctx.topic(partitions=3)
    ctx.admin().create_partitions([NewPartitions(t, 5)])[t].result(timeout=20)
    ctx.wait_topic(t, 5)
    return partitions_of(ctx, t)


def grow(ctx, topic, count):
    try:
        ctx.admin().create_partitions([NewPartitions(topic, count)])[topic].result(timeout=20)
        return "ok"
    except Exception as e:
        return err_name(e)


@case
def case_grow_to_fewer_or_same(ctx):
    t = ctx.topic(partitions=3)
    return [grow(ctx, t, 2), grow(ctx, t, 3)]


@case
def case_grow_unknown_topic(ctx):
    return grow(ctx, ctx.name(), 4)


# --- metadata --------------------------------------------------------------------


@case
def case_metadata_of_new_topic(ctx):
    t = ctx.topic(partitions=4)
    md = ctx.admin().list_topics(t, timeout=10)
    brokers = sorted(md.brokers)
    parts = md.topics[t].partitions
    return {
        "brokers": len(brokers),
        "partitions": [
            {"id": p.id, "leader_is_broker": p.leader == brokers[0], "replicas": len(p.replicas), "isrs": len(p.isrs)}
            for p in sorted(parts.values(), key=lambda p: p.id)
        ],
    }


@case
def case_metadata_unknown_topic_no_autocreate(ctx):
    t = ctx.name()
    first = ctx.metadata_error(t)
    time.sleep(1)
    return [first, ctx.metadata_error(t)]


@case
def case_metadata_unknown_topic_autocreate(ctx):
    # Kafka 4 creates the topic but answers UNKNOWN_TOPIC_OR_PARTITION this once.
    t = ctx.name()
    first = ctx.metadata_error(t, allow_auto_create=True)
    deadline = time.monotonic() + 10
    later = first
    while later != "ok" and time.monotonic() < deadline:
        time.sleep(0.2)
        later = ctx.metadata_error(t)
    return [first, later]


@case
def case_describe_cluster(ctx):
    d = ctx.admin().describe_cluster(request_timeout=10).result(timeout=15)
    return {"nodes": len(d.nodes), "controller_is_a_node": d.controller is not None and d.controller.id in [n.id for n in d.nodes]}


@case
def case_describe_topics_new_topic(ctx):
    from confluent_kafka import TopicCollection

    t = ctx.topic(partitions=2)
    d = ctx.admin().describe_topics(TopicCollection([t]), request_timeout=10)[t].result(timeout=15)
    return {
        "internal": d.is_internal,
        "partitions": [(p.id, len(p.replicas), len(p.isr)) for p in d.partitions],
        "topic_id_set": str(d.topic_id) not in ("", "AAAAAAAAAAAAAAAAAAAAAA"),
    }


@case
def case_describe_topics_unknown(ctx):
    from confluent_kafka import TopicCollection

    try:
        ctx.admin().describe_topics(TopicCollection([ctx.name()]), request_timeout=10)[ctx.name()].result(timeout=15)
        return "ok"
    except Exception as e:
        return err_name(e)


# --- configs ---------------------------------------------------------------------


@case
def case_describe_configs_new_topic(ctx):
    t = ctx.topic()
    return configs_of(ctx, t)


@case
def case_describe_configs_unknown_topic(ctx):
    return configs_of(ctx, ctx.name())


@case
def case_describe_configs_set_at_creation(ctx):
    t = ctx.topic(config={"retention.ms": "12345", "cleanup.policy": "compact"})
    return configs_of(ctx, t, {"retention.ms", "cleanup.policy", "segment.bytes"})


def incremental(ctx, name, ops):
    res = ConfigResource(
        ResourceType.TOPIC,
        name,
        incremental_configs=[ConfigEntry(k, v, incremental_operation=op) for k, v, op in ops],
    )
    try:
        ctx.admin().incremental_alter_configs([res], request_timeout=15)[res].result(timeout=20)
        return "ok"
    except Exception as e:
        return err_name(e)


@case
def case_incremental_alter_set_and_delete(ctx):
    t = ctx.topic()
    keys = {"retention.ms", "max.message.bytes"}
    a = incremental(ctx, t, [("retention.ms", "1000", AlterConfigOpType.SET), ("max.message.bytes", "5000", AlterConfigOpType.SET)])
    time.sleep(0.5)
    after_set = configs_of(ctx, t, keys)
    b = incremental(ctx, t, [("retention.ms", None, AlterConfigOpType.DELETE)])
    time.sleep(0.5)
    return {"set": a, "after_set": after_set, "delete": b, "after_delete": configs_of(ctx, t, keys)}


@case
def case_incremental_alter_append_subtract_list(ctx):
    t = ctx.topic()
    a = incremental(ctx, t, [("cleanup.policy", "compact", AlterConfigOpType.APPEND)])
    time.sleep(0.3)
    mid = configs_of(ctx, t, {"cleanup.policy"})
    b = incremental(ctx, t, [("cleanup.policy", "delete", AlterConfigOpType.SUBTRACT)])
    time.sleep(0.3)
    return [a, mid, b, configs_of(ctx, t, {"cleanup.policy"})]


@case
def case_incremental_alter_invalid_value(ctx):
    t = ctx.topic()
    return [
        incremental(ctx, t, [("retention.ms", "abc", AlterConfigOpType.SET)]),
        incremental(ctx, t, [("cleanup.policy", "bogus", AlterConfigOpType.SET)]),
        incremental(ctx, t, [("no.such.config", "1", AlterConfigOpType.SET)]),
    ]


@case
def case_incremental_alter_unknown_topic(ctx):
    return incremental(ctx, ctx.name(), [("retention.ms", "1000", AlterConfigOpType.SET)])


@case
def case_alter_configs_replaces_all(ctx):
    t = ctx.topic(config={"retention.ms": "5000"})
    res = ConfigResource(ResourceType.TOPIC, t, set_config={"segment.ms": "100000"})
    try:
        ctx.admin().alter_configs([res], request_timeout=15)[res].result(timeout=20)
        r = "ok"
    except Exception as e:
        r = err_name(e)
    time.sleep(0.5)
    return {"alter": r, "configs": configs_of(ctx, t, {"retention.ms", "segment.ms"})}


# --- the same through kafka-python -----------------------------------------------


def kp_admin(ctx):
    from kafka import KafkaAdminClient

    a = KafkaAdminClient(bootstrap_servers=ctx.bootstrap, request_timeout_ms=15000)
    ctx._closers.append(a.close)
    return a


def kp_create(ctx, name, partitions, rf, configs):
    """Creates one topic with kafka-python; returns (error code, message)."""
    from kafka.admin import NewTopic as KNewTopic

    try:
        kp_admin(ctx).create_topics([KNewTopic(name, partitions, rf, topic_configs=configs)], timeout_ms=15000)
        return "ok"
    except Exception as e:
        # kafka-python raises the error class of the response's code.
        return type(e).__name__


@case
def case_kafka_python_create_errors(ctx):
    return [
        kp_create(ctx, ctx.name("ok"), 2, 1, {}),
        kp_create(ctx, ctx.name("ok"), 2, 1, {}),
        kp_create(ctx, ctx.name("bad name"), 1, 1, {}),
        kp_create(ctx, ctx.name("rf"), 1, 2, {}),
        kp_create(ctx, ctx.name("cfg"), 1, 1, {"retention.ms": "abc"}),
        kp_create(ctx, ctx.name("cfg2"), 1, 1, {"max.message.bytes": "-1"}),
        kp_create(ctx, ctx.name("zero"), 0, 1, {}),
    ]


@case
def case_kafka_python_describe_configs(ctx):
    from kafka.admin import ConfigResource as KRes, ConfigResourceType

    t = ctx.topic(config={"retention.ms": "777"})
    r = kp_admin(ctx).describe_configs([KRes(ConfigResourceType.TOPIC, t)], include_synonyms=True)
    resource = r[0].resources[0]
    # (error code, error message, type, name, [(name, value, read only, source, sensitive, synonyms)])
    entries = [list(e) for e in resource[4] if e[0] in ("retention.ms", "cleanup.policy", "max.message.bytes")]
    return {"error": resource[0], "entries": sorted(e[:5] + [sorted(map(list, e[5]))] for e in entries)}
