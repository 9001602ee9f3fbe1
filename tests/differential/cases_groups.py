"""Classic consumer groups: commits, offsets, describe/list/delete through a join and
leave cycle, and the three client-side assignors for the same members."""
import time

from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition

from harness import case, commit_sync, err_name


def wait_assigned(consumers, want_total, timeout=30):
    """Polls every consumer until their assignments cover `want_total` partitions, every
    member has some when there are enough to go round, and it stays so for a second
    (a member that joins late, or a cooperative rebalance, settles in several steps)."""
    deadline = time.monotonic() + timeout
    stable_since = None
    last = None
    everyone_busy = len(consumers) <= want_total
    while time.monotonic() < deadline:
        for c in consumers:
            c.poll(0.05)
        now = [sorted((tp.topic, tp.partition) for tp in c.assignment()) for c in consumers]
        settled = sum(len(a) for a in now) == want_total and (
            not everyone_busy or all(now)
        )
        if settled and now == last:
            stable_since = stable_since or time.monotonic()
            if time.monotonic() - stable_since > 1.0:
                return now
        else:
            stable_since = None
        last = now
    return last


def shape(assignments, topics):
    """An assignment as sorted per-member lists of (topic index, partition)."""
    idx = {t: i for i, t in enumerate(topics)}
    return sorted(sorted((idx[t], p) for t, p in a) for a in assignments)


def describe(ctx, group):
    d = ctx.admin().describe_consumer_groups([group], request_timeout=10)[group].result(timeout=15)
    return {
        "state": str(d.state),
        "simple": d.is_simple_consumer_group,
        "assignor": d.partition_assignor,
        "members": sorted(
            [
                {
                    "client_id": m.client_id,
                    "member_id": m.member_id,
                    "host": m.host,
                    "instance": m.group_instance_id,
                    "assignment": sorted((tp.topic, tp.partition) for tp in m.assignment.topic_partitions),
                }
                for m in d.members
            ],
            key=lambda m: m["client_id"],
        ),
    }


def committed(ctx, group, tps):
    r = ctx.admin().list_consumer_group_offsets([ConsumerGroupTopicPartitions(group, tps)], request_timeout=10)[group]
    try:
        res = r.result(timeout=15)
    except Exception as e:
        return err_name(e)
    return [(tp.partition, tp.offset, tp.metadata, err_name(tp.error)) for tp in res.topic_partitions]


def assignment_case(ctx, strategy, members, partitions=(3, 2)):
    topics = [ctx.topic(f"t{i}", partitions=n) for i, n in enumerate(partitions)]
    group = ctx.name("g")
    cs = []
    for i in range(members):
        c = ctx.consumer(group, **{"partition.assignment.strategy": strategy, "client.id": f"m{i}"})
        c.subscribe(topics)
        cs.append(c)
    return shape(wait_assigned(cs, sum(partitions)), topics)


@case
def case_assign_range(ctx):
    return assignment_case(ctx, "range", 2)


@case
def case_assign_roundrobin(ctx):
    return assignment_case(ctx, "roundrobin", 2)


def balance(shapes):
    """Which partitions a sticky assignor hands to whom depends on member-id order and
    join timing, on any broker: compare how many each member holds, and that every
    partition is held exactly once."""
    held = [p for member in shapes for p in member]
    return {"sizes": sorted(len(m) for m in shapes), "each_once": len(held) == len(set(held))}


@case
def case_assign_cooperative_sticky(ctx):
    return balance(assignment_case(ctx, "cooperative-sticky", 2))


@case
def case_assign_cooperative_sticky_third_member_joins(ctx):
    topics = [ctx.topic(partitions=6)]
    group = ctx.name("g")
    cs = []
    steps = []
    for i in range(3):
        c = ctx.consumer(group, **{"partition.assignment.strategy": "cooperative-sticky", "client.id": f"m{i}"})
        c.subscribe(topics)
        cs.append(c)
        steps.append(balance(shape(wait_assigned(cs, 6), topics)))
    return steps


@case
def case_assign_more_members_than_partitions(ctx):
    return assignment_case(ctx, "range", 3, partitions=(2,))


@case
def case_describe_group_join_leave(ctx):
    t = ctx.topic(partitions=2)
    group = ctx.name("g")
    c = ctx.consumer(group, **{"client.id": "joiner", "partition.assignment.strategy": "range"})
    c.subscribe([t])
    wait_assigned([c], 2)
    stable = describe(ctx, group)
    c.close_once()
    time.sleep(0.5)
    return {"stable": stable, "after_leave": describe(ctx, group)}


@case
def case_describe_group_static_member(ctx):
    t = ctx.topic()
    group = ctx.name("g")
    c = ctx.consumer(group, **{"client.id": "static", "group.instance.id": "instance-1"})
    c.subscribe([t])
    wait_assigned([c], 1)
    return describe(ctx, group)


@case
def case_describe_unknown_group(ctx):
    try:
        return describe(ctx, ctx.name("nobody"))
    except Exception as e:
        return err_name(e)


@case
def case_list_groups_with_states(ctx):
    t = ctx.topic()
    active, empty = ctx.name("active"), ctx.name("empty")
    c = ctx.consumer(active)
    c.subscribe([t])
    wait_assigned([c], 1)
    e = ctx.consumer(empty)
    commit_sync(e, [TopicPartition(t, 0, 0)])
    listed = ctx.admin().list_consumer_groups(request_timeout=10).result(timeout=15)
    mine = {g.group_id: str(g.state) for g in listed.valid if g.group_id in (active, empty)}
    return {"groups": dict(sorted(mine.items())), "simple": sorted(g.is_simple_consumer_group for g in listed.valid if g.group_id in (active, empty))}


@case
def case_commit_and_fetch_with_metadata(ctx):
    t = ctx.topic(partitions=2)
    group = ctx.name("g")
    c = ctx.consumer(group)
    commit_sync(c, [TopicPartition(t, 0, 5, metadata="meta-0"), TopicPartition(t, 1, 9)])
    got = c.committed([TopicPartition(t, 0), TopicPartition(t, 1)], timeout=10)
    return {"consumer": [(tp.partition, tp.offset, tp.metadata) for tp in got], "admin": committed(ctx, group, [TopicPartition(t, 0), TopicPartition(t, 1)])}


def commit_result(c, tps):
    try:
        r = c.commit(offsets=tps, asynchronous=False)
        return [(tp.topic[-8:], tp.partition, err_name(tp.error)) for tp in r]
    except Exception as e:
        return err_name(e)


@case
def case_commit_unknown_partition(ctx):
    t = ctx.topic()
    c = ctx.consumer(ctx.name("g"))
    return commit_result(c, [TopicPartition(t, 9, 1)])


@case
def case_commit_unknown_topic(ctx):
    c = ctx.consumer(ctx.name("g"))
    return commit_result(c, [TopicPartition(ctx.name("no-topic"), 0, 1)])


@case
def case_commit_beyond_high_watermark(ctx):
    # Kafka stores any offset; the consumer finds out on fetch.
    t = ctx.topic()
    group = ctx.name("g")
    c = ctx.consumer(group)
    return [commit_result(c, [TopicPartition(t, 0, 1000)]), committed(ctx, group, [TopicPartition(t, 0)])]


@case
def case_offsets_of_unknown_group(ctx):
    t = ctx.topic()
    return committed(ctx, ctx.name("nobody"), [TopicPartition(t, 0)])


@case
def case_delete_group_with_members(ctx):
    t = ctx.topic()
    group = ctx.name("g")
    c = ctx.consumer(group)
    c.subscribe([t])
    wait_assigned([c], 1)
    try:
        ctx.admin().delete_consumer_groups([group], request_timeout=10)[group].result(timeout=15)
        return "ok"
    except Exception as e:
        return err_name(e)


@case
def case_delete_empty_and_unknown_group(ctx):
    t = ctx.topic()
    group = ctx.name("g")
    c = ctx.consumer(group)
    commit_sync(c, [TopicPartition(t, 0, 3)])
    out = []
    for g in (group, ctx.name("nobody")):
        try:
            ctx.admin().delete_consumer_groups([g], request_timeout=10)[g].result(timeout=15)
            out.append("ok")
        except Exception as e:
            out.append(err_name(e))
    out.append(committed(ctx, group, [TopicPartition(t, 0)]))
    return out


@case
def case_alter_offsets_empty_group(ctx):
    t = ctx.topic(partitions=2)
    group = ctx.name("g")
    req = ConsumerGroupTopicPartitions(group, [TopicPartition(t, 0, 3), TopicPartition(t, 1, 4)])
    r = ctx.admin().alter_consumer_group_offsets([req], request_timeout=10)[group].result(timeout=15)
    return {"altered": [(tp.partition, tp.offset, err_name(tp.error)) for tp in r.topic_partitions], "now": committed(ctx, group, [TopicPartition(t, 0), TopicPartition(t, 1)])}


@case
def case_alter_offsets_active_group(ctx):
    t = ctx.topic()
    group = ctx.name("g")
    c = ctx.consumer(group)
    c.subscribe([t])
    wait_assigned([c], 1)
    req = ConsumerGroupTopicPartitions(group, [TopicPartition(t, 0, 3)])
    try:
        r = ctx.admin().alter_consumer_group_offsets([req], request_timeout=10)[group].result(timeout=15)
        return [(tp.partition, err_name(tp.error)) for tp in r.topic_partitions]
    except Exception as e:
        return err_name(e)


@case
def case_group_consumes_each_message_once(ctx):
    # Both members hold their partitions before anything is produced, so no rebalance
    # happens mid-read (without commits, a rebalance would re-deliver on any broker).
    t = ctx.topic(partitions=4)
    group = ctx.name("g")
    cs = [ctx.consumer(group, **{"client.id": f"c{i}", "auto.offset.reset": "earliest"}) for i in range(2)]
    for c in cs:
        c.subscribe([t])
    shapes = shape(wait_assigned(cs, 4), [t])
    ctx.produce(t, [(f"k{i}".encode(), f"v{i}".encode()) for i in range(200)])
    seen = []
    deadline = time.monotonic() + 30
    while len(seen) < 200 and time.monotonic() < deadline:
        for c in cs:
            m = c.poll(0.05)
            if m is not None and not m.error():
                seen.append((m.partition(), m.offset()))
    return {"assignment": shapes, "count": len(seen), "unique": len(set(seen))}


@case
def case_committed_offsets_survive_rejoin(ctx):
    t = ctx.topic()
    ctx.produce(t, [(None, f"r{i}".encode()) for i in range(10)])
    group = ctx.name("g")
    c = ctx.consumer(group)
    c.subscribe([t])
    got = []
    deadline = time.monotonic() + 20
    while len(got) < 4 and time.monotonic() < deadline:
        m = c.poll(0.2)
        if m is not None and not m.error():
            got.append(m.offset())
    commit_sync(c, [TopicPartition(t, 0, 4)])
    c.close_once()
    c2 = ctx.consumer(group)
    c2.subscribe([t])
    first = None
    deadline = time.monotonic() + 20
    while first is None and time.monotonic() < deadline:
        m = c2.poll(0.2)
        if m is not None and not m.error():
            first = m.offset()
    return {"first_run": got, "resumed_at": first}


@case
def case_kafka_python_group_member_fields(ctx):
    from kafka import KafkaConsumer

    t = ctx.topic(partitions=2)
    group = ctx.name("g")
    c = KafkaConsumer(t, bootstrap_servers=ctx.bootstrap, group_id=group, client_id="kp-member", consumer_timeout_ms=500)
    ctx._closers.append(c.close)
    deadline = time.monotonic() + 20
    while not c.assignment() and time.monotonic() < deadline:
        c.poll(200)
    d = describe(ctx, group)
    return d
