"""Producing, fetching and listing offsets through confluent-kafka (librdkafka) and
kafka-python, bad input included."""
import time

from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, TopicPartition
from confluent_kafka.admin import OffsetSpec

from harness import case, err_name


@case
def case_produce_consume_keys_values_headers(ctx):
    t = ctx.topic()
    msgs = [
        (b"k1", b"v1", [("h", b"1"), ("h", b"2"), ("other", b"\x00\xff")]),
        (None, b"null key", None),
        (b"", b"empty key", None),
        (b"tombstone", None, None),
        (b"\xff\xfe", b"\x00" * 10, [("empty", b""), ("null", None)]),
    ]
    reports = ctx.produce(t, msgs)
    return {"reports": reports, "read": ctx.consume(t, 1, len(msgs))}


@case
def case_produce_offsets_across_partitions(ctx):
    t = ctx.topic(partitions=3)
    reports = ctx.produce(t, [(None, f"m{i}".encode(), None, i % 3) for i in range(30)])
    return sorted(reports, key=lambda r: (r[1], r[2]))


@case
def case_produce_compressed(ctx):
    out = {}
    for codec in ["gzip", "snappy", "lz4", "zstd"]:
        t = ctx.topic(codec)
        ctx.produce(t, [(f"k{i}".encode(), f"{codec}-{i}".encode() * 20) for i in range(50)], **{"compression.codec": codec})
        got = ctx.consume(t, 1, 50)
        out[codec] = [(m["o"], m["v"][:16]) for m in got[::10]] + [len(got)]
    return out


@case
def case_produce_explicit_timestamps(ctx):
    t = ctx.topic()
    ctx.produce(t, [(None, b"a", None, None, 1_000_000), (None, b"b", None, None, 2_000_000)])
    c = ctx.consumer()
    c.assign([TopicPartition(t, 0, 0)])
    out = []
    deadline = time.monotonic() + 15
    while len(out) < 2 and time.monotonic() < deadline:
        m = c.poll(0.2)
        if m is not None and not m.error():
            out.append(m.timestamp())
    return out


@case
def case_produce_idempotent_offsets_contiguous(ctx):
    t = ctx.topic(partitions=2)
    reports = ctx.produce(t, [(None, f"i{i}".encode(), None, i % 2) for i in range(200)], **{"enable.idempotence": True})
    per = {}
    for e, p, o in reports:
        per.setdefault(p, []).append(o)
    return {"errors": sorted({r[0] for r in reports}), "contiguous": {p: sorted(o) == list(range(len(o))) for p, o in per.items()}}


@case
def case_produce_unknown_topic_autocreate_off(ctx):
    t = ctx.name()
    reports = ctx.produce(t, [(None, b"x")], **{"allow.auto.create.topics": False, "message.timeout.ms": 4000})
    return {"reports": reports, "topic": ctx.metadata_error(t)}


@case
def case_produce_unknown_topic_autocreates(ctx):
    t = ctx.name()
    reports = ctx.produce(t, [(None, b"x")], **{"message.timeout.ms": 10000})
    md = ctx.admin().list_topics(t, timeout=10).topics.get(t)
    return {"reports": reports, "partitions": len(md.partitions) if md else None}


@case
def case_produce_unknown_partition(ctx):
    t = ctx.topic()
    return ctx.produce(t, [(None, b"x", None, 5)], **{"message.timeout.ms": 4000})


@case
def case_produce_over_topic_max_message_bytes(ctx):
    t = ctx.topic(config={"max.message.bytes": "100"})
    return ctx.produce(t, [(None, b"x" * 500)], **{"message.timeout.ms": 5000})


@case
def case_produce_under_topic_max_message_bytes(ctx):
    t = ctx.topic(config={"max.message.bytes": "5000000"})
    return ctx.produce(t, [(None, b"y" * 2_000_000)], **{"message.max.bytes": 4_000_000, "message.timeout.ms": 10000})


@case
def case_produce_over_default_max_message_bytes(ctx):
    t = ctx.topic()
    return ctx.produce(t, [(None, b"z" * 2_000_000)], **{"message.max.bytes": 4_000_000, "message.timeout.ms": 10000})


@case
def case_produce_acks_all_min_insync_2(ctx):
    t = ctx.topic(config={"min.insync.replicas": "2"})
    return {
        "acks_all": ctx.produce(t, [(None, b"a")], **{"acks": "all", "message.timeout.ms": 4000, "retries": 0}),
        "acks_1": ctx.produce(t, [(None, b"b")], **{"acks": 1, "message.timeout.ms": 4000}),
    }


@case
def case_produce_to_compacted_topic_without_key(ctx):
    t = ctx.topic(config={"cleanup.policy": "compact"})
    return ctx.produce(t, [(None, b"no key"), (b"k", b"keyed")], **{"message.timeout.ms": 5000, "retries": 0})


# --- fetching --------------------------------------------------------------------


@case
def case_fetch_from_the_middle_of_a_batch(ctx):
    t = ctx.topic()
    ctx.produce(t, [(None, f"b{i}".encode()) for i in range(10)])
    got = ctx.consume(t, 1, 3, offset=5)
    return [m["o"] for m in got]


@case
def case_fetch_out_of_range_with_reset_error(ctx):
    t = ctx.topic()
    ctx.produce(t, [(None, b"a"), (None, b"b")])
    got = ctx.consume(t, 1, 1, offset=1000, timeout=8, **{"auto.offset.reset": "error"})
    return got


@case
def case_fetch_out_of_range_resets_to_earliest(ctx):
    t = ctx.topic()
    ctx.produce(t, [(None, b"a"), (None, b"b")])
    return [m.get("o") for m in ctx.consume(t, 1, 2, offset=1000)]


@case
def case_fetch_out_of_range_resets_to_latest(ctx):
    t = ctx.topic()
    ctx.produce(t, [(None, b"a"), (None, b"b")])
    c = ctx.consumer(**{"auto.offset.reset": "latest"})
    c.assign([TopicPartition(t, 0, 1000)])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        c.poll(0.2)
        pos = c.position([TopicPartition(t, 0)])[0].offset
        if pos == 2:
            break
    return c.position([TopicPartition(t, 0)])[0].offset


@case
def case_fetch_max_bytes_smaller_than_a_batch(ctx):
    # KIP-74: the first batch is returned even when it exceeds every limit.
    t = ctx.topic()
    ctx.produce(t, [(None, b"q" * 5000) for _ in range(20)], **{"linger.ms": 50})
    got = ctx.consume(t, 1, 20, **{"fetch.max.bytes": 1000, "message.max.bytes": 1000, "max.partition.fetch.bytes": 1000, "receive.message.max.bytes": 1000000})
    return [m.get("o", m.get("error")) for m in got]


@case
def case_fetch_empty_topic_reports_eof(ctx):
    t = ctx.topic()
    return ctx.consume(t, 1, 1, timeout=8, **{"enable.partition.eof": True})


# --- offsets by time and watermarks ----------------------------------------------


def list_offsets(ctx, t, spec):
    tp = TopicPartition(t, 0)
    try:
        r = ctx.admin().list_offsets({tp: spec}, request_timeout=10)[tp].result(timeout=15)
        return [r.offset, r.timestamp]
    except Exception as e:
        return err_name(e)


@case
def case_list_offsets_by_time(ctx):
    t = ctx.topic()
    # Three batches of three records, timestamps 1000+..., 2000+..., 3000+...
    for base in (1000, 2000, 3000):
        ctx.produce(t, [(None, b"t", None, None, base + i) for i in range(3)])
    return {
        "before_first": list_offsets(ctx, t, OffsetSpec.for_timestamp(10)),
        "exact": list_offsets(ctx, t, OffsetSpec.for_timestamp(2000)),
        "inside_batch": list_offsets(ctx, t, OffsetSpec.for_timestamp(2001)),
        "between": list_offsets(ctx, t, OffsetSpec.for_timestamp(2500)),
        "after_last": list_offsets(ctx, t, OffsetSpec.for_timestamp(9999)),
        "earliest": list_offsets(ctx, t, OffsetSpec.earliest()),
        "latest": list_offsets(ctx, t, OffsetSpec.latest()),
        "max_timestamp": list_offsets(ctx, t, OffsetSpec.max_timestamp()),
    }


@case
def case_offsets_for_times_consumer(ctx):
    t = ctx.topic()
    ctx.produce(t, [(None, b"t", None, None, 5000 + 10 * i) for i in range(10)])
    c = ctx.consumer()
    out = {}
    for ts in (0, 5015, 5090, 6000):
        r = c.offsets_for_times([TopicPartition(t, 0, ts)], timeout=10)[0]
        out[ts] = r.offset
    return out


@case
def case_list_offsets_empty_and_unknown(ctx):
    t = ctx.topic()
    unknown = TopicPartition(t, 7)
    try:
        ctx.admin().list_offsets({unknown: OffsetSpec.latest()}, request_timeout=10)[unknown].result(timeout=15)
        u = "ok"
    except Exception as e:
        u = err_name(e)
    return {
        "earliest": list_offsets(ctx, t, OffsetSpec.earliest()),
        "latest": list_offsets(ctx, t, OffsetSpec.latest()),
        "max_timestamp": list_offsets(ctx, t, OffsetSpec.max_timestamp()),
        "unknown_partition": u,
    }


@case
def case_watermarks(ctx):
    t = ctx.topic(partitions=2)
    ctx.produce(t, [(None, b"w", None, 1) for _ in range(7)])
    c = ctx.consumer()
    return [c.get_watermark_offsets(TopicPartition(t, p), timeout=10) for p in range(2)]


@case
def case_delete_records(ctx):
    t = ctx.topic()
    ctx.produce(t, [(None, f"d{i}".encode()) for i in range(10)])
    tp = TopicPartition(t, 0, 4)
    try:
        r = ctx.admin().delete_records([tp], request_timeout=10)[tp].result(timeout=15)
        deleted = r.low_watermark
    except Exception as e:
        deleted = err_name(e)
    c = ctx.consumer()
    return {
        "low": deleted,
        "watermarks": list(c.get_watermark_offsets(TopicPartition(t, 0), timeout=10)),
        "read_from_0": [m.get("o") for m in ctx.consume(t, 1, 2, offset=OFFSET_BEGINNING)],
    }


# --- kafka-python ----------------------------------------------------------------


@case
def case_kafka_python_produce_consume(ctx):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition as KTP

    t = ctx.topic()
    p = KafkaProducer(bootstrap_servers=ctx.bootstrap)
    offsets = [p.send(t, key=b"k", value=f"kp{i}".encode(), headers=[("h", b"x")]).get(timeout=15).offset for i in range(5)]
    p.close()
    c = KafkaConsumer(bootstrap_servers=ctx.bootstrap, consumer_timeout_ms=5000)
    c.assign([KTP(t, 0)])
    c.seek_to_beginning()
    got = []
    for m in c:
        got.append((m.offset, m.key, m.value, m.headers))
        if len(got) == 5:
            break
    end = c.end_offsets([KTP(t, 0)])
    c.close()
    return {"offsets": offsets, "got": [(o, k.decode(), v.decode(), [(hk, hv.decode()) for hk, hv in h]) for o, k, v, h in got], "end": list(end.values())}


@case
def case_kafka_python_offsets_for_times(ctx):
    from kafka import KafkaConsumer, TopicPartition as KTP

    t = ctx.topic()
    ctx.produce(t, [(None, b"t", None, None, 7000 + i) for i in range(5)])
    c = KafkaConsumer(bootstrap_servers=ctx.bootstrap)
    tp = KTP(t, 0)
    out = {ts: (lambda r: None if r is None else (r.offset, r.timestamp))(c.offsets_for_times({tp: ts})[tp]) for ts in (0, 7002, 9000)}
    c.close()
    return out
