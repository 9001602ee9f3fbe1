"""Consumer groups of the next generation (KIP-848, `group.protocol=consumer`): the
coordinator assigns; the seed's A/B/C demo step by step, what describing the group says,
and how listing tells group types apart."""
import time

from confluent_kafka import ConsumerGroupType

from cases_java import java_members
from harness import QUIET, OnceClosingConsumer, case


def member(ctx, group, client_id, topic, **conf):
    c = OnceClosingConsumer(
        {
            "bootstrap.servers": ctx.bootstrap,
            "group.id": group,
            "group.protocol": "consumer",
            "client.id": client_id,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            **QUIET,
            **conf,
        }
    )
    ctx._closers.append(c.close_once)
    c.subscribe([topic])
    return c


def settle(members, want, timeout=40):
    """Polls every member until their partitions (sorted lists) are `want`; returns what
    they hold then, or at the timeout."""
    deadline = time.monotonic() + timeout
    now = None
    while time.monotonic() < deadline:
        for m in members:
            m.poll(0.05)
        now = [sorted(tp.partition for tp in m.assignment()) for m in members]
        if now == want:
            break
    return now


def describe(ctx, group):
    d = ctx.admin().describe_consumer_groups([group], request_timeout=10)[group].result(timeout=15)
    return {
        "type": str(d.type),
        "state": str(d.state),
        "assignor": d.partition_assignor,
        "members": sorted(
            [
                {
                    "client_id": m.client_id,
                    "assignment": sorted(tp.partition for tp in m.assignment.topic_partitions),
                    "target": sorted(tp.partition for tp in m.target_assignment.topic_partitions)
                    if m.target_assignment
                    else None,
                }
                for m in d.members
            ],
            key=lambda m: m["client_id"],
        ),
    }


@case
def case_consumer_protocol_seed_demo(ctx):
    t = ctx.topic(partitions=2)
    group = ctx.name("g")
    steps = {}
    a = member(ctx, group, "A", t)
    steps["A alone"] = settle([a], [[0, 1]])
    b = member(ctx, group, "B", t)
    steps["B joins"] = settle([a, b], [[0], [1]])
    c = member(ctx, group, "C", t)
    time.sleep(1)
    steps["C joins"] = settle([a, b, c], [[0], [1], []])
    steps["described"] = describe(ctx, group)
    a.close_once()
    steps["A leaves"] = settle([b, c], [[1], [0]])
    return steps


@case
def case_consumer_protocol_list_group_types(ctx):
    t = ctx.topic()
    modern, classic = ctx.name("modern"), ctx.name("classic")
    m = member(ctx, modern, "m", t)
    settle([m], [[0]])
    c = ctx.consumer(classic)
    c.subscribe([t])
    deadline = time.monotonic() + 30
    while not c.assignment() and time.monotonic() < deadline:
        c.poll(0.1)
    admin = ctx.admin()
    out = {}
    for label, types in (("all", None), ("consumer", {ConsumerGroupType.CONSUMER}), ("classic", {ConsumerGroupType.CLASSIC})):
        kw = {"types": types} if types else {}
        listed = admin.list_consumer_groups(request_timeout=10, **kw).result(timeout=15)
        out[label] = sorted(
            (g.group_id, str(g.type), str(g.state)) for g in listed.valid if g.group_id in (modern, classic)
        )
    return out


def held(c):
    return sorted((tp.topic, tp.partition) for tp in c.assignment())


@case
def case_consumer_protocol_regex_subscription(ctx):
    """A member subscribed by regex: the coordinator resolves it (whole names, internal
    topics included), and a topic created later that matches reaches the member too."""
    prefix = ctx.name("rx")
    ctx.create(name=f"{prefix}-a", partitions=1)
    ctx.create(name=f"{prefix}-b", partitions=2)
    ctx.create(name=f"x{prefix}-a", partitions=1)  # matches only if the match is not whole
    ctx.wait_topic(f"{prefix}-b", 2)
    group = ctx.name("g")
    c = OnceClosingConsumer(
        {"bootstrap.servers": ctx.bootstrap, "group.id": group, "group.protocol": "consumer", **QUIET}
    )
    ctx._closers.append(c.close_once)
    c.subscribe([f"^{prefix}-.*"])

    def until(want, timeout=40):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(held(c)) < want:
            c.poll(0.1)
        return held(c)

    out = {"first": until(3)}
    ctx.create(name=f"{prefix}-c", partitions=1)
    out["after a new topic"] = until(4)
    described = ctx.admin().describe_consumer_groups([group], request_timeout=10)[group].result(timeout=15)
    out["described"] = sorted((tp.topic, tp.partition) for m in described.members for tp in m.assignment.topic_partitions)
    internal = OnceClosingConsumer(
        {"bootstrap.servers": ctx.bootstrap, "group.id": ctx.name("int"), "group.protocol": "consumer", **QUIET}
    )
    ctx._closers.append(internal.close_once)
    internal.subscribe(["^__consumer_offs.*"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not internal.assignment():
        internal.poll(0.1)
    out["internal topics match"] = len(internal.assignment())
    return out


def listed_as(ctx, group):
    """The group's type and state as ListGroups gives them."""
    r = ctx.admin().list_consumer_groups(request_timeout=10).result(timeout=15)
    for g in r.valid:
        if g.group_id == group:
            return f"{g.type} {g.state}"
    return "not listed"


def holds_until(consumers, ok, timeout=40):
    """Polls every consumer until `ok(holdings)`; the holdings (sorted lists), and any
    error a poll reported."""
    errors = []
    deadline = time.monotonic() + timeout
    now = None
    while time.monotonic() < deadline:
        for c in consumers:
            m = c.poll(0.05)
            if m is not None and m.error() and m.error().name() not in errors:
                errors.append(m.error().name())
        now = [sorted(tp.partition for tp in c.assignment()) for c in consumers]
        if ok(now):
            break
    return now, errors


def listed_when(ctx, group, consumers, ok, timeout=20):
    """Polls the consumers until ListGroups' line for the group satisfies `ok`; that line
    and any error a poll reported."""
    errors = []
    deadline = time.monotonic() + timeout
    listed = listed_as(ctx, group)
    while not ok(listed) and time.monotonic() < deadline:
        errors += holds_until(consumers, lambda h: False, timeout=0.5)[1]
        listed = listed_as(ctx, group)
    return listed, errors


def classic(listed):
    """ListGroups lists the group as a classic group."""
    return listed.startswith("ConsumerGroupType.CLASSIC")


def one_each(holdings):
    """Every partition of two held once, by different members."""
    return sorted(p for h in holdings for p in h) == [0, 1] and all(len(h) <= 1 for h in holdings)


@case
def case_consumer_protocol_online_migration(ctx):
    """KIP-848's online migration (Kafka's default policy, `bidirectional`): a
    consumer-protocol member joining a classic group with members turns it into a consumer
    group, whose classic members keep speaking JoinGroup/SyncGroup/Heartbeat; another
    classic member may join it; when the last consumer-protocol member leaves, it is a
    classic group again."""
    t = ctx.topic(partitions=2)
    group = ctx.name("mixed")
    out = {}
    k1 = ctx.consumer(group, **{"client.id": "K1"})
    k1.subscribe([t])
    held, errs = holds_until([k1], lambda h: h == [[0, 1]])
    out["1 classic K1 alone"] = {"holds": held, "errors": errs, "listed": listed_as(ctx, group)}
    n = member(ctx, group, "N", t)
    held, errs = holds_until([k1, n], one_each)
    out["2 consumer-protocol N joins"] = {
        "one each": one_each(held),
        "errors": errs,
        "listed": listed_as(ctx, group),
        "described": describe(ctx, group),
        # Kafka's own tool: epochs, assignments and UPGRADED (false for a classic member,
        # from ConsumerGroupDescribe v1's member type).
        "kafka-consumer-groups": java_members(ctx, group)["members"],
    }
    k2 = ctx.consumer(group, **{"client.id": "K2"})
    k2.subscribe([t])
    # K2 joins the consumer group: wait until describing shows three members.
    errs = []
    deadline = time.monotonic() + 30
    while len(describe(ctx, group)["members"]) < 3 and time.monotonic() < deadline:
        errs += holds_until([k1, n, k2], lambda h: False, timeout=0.5)[1]
    held, more = holds_until([k1, n, k2], one_each)
    errs += more
    # Then until it is Stable again (Reconciling while K2 gets its first, empty, share).
    listed, more = listed_when(ctx, group, [k1, n, k2], lambda l: l.endswith("STABLE"))
    errs += more
    out["3 classic K2 joins the consumer group"] = {
        "one each, one idle": one_each(held) and sorted(map(len, held)) == [0, 1, 1],
        "errors": errs,
        "listed": listed,
        "members": len(describe(ctx, group)["members"]),
    }
    n.close_once()
    held, errs = holds_until([k1, k2], one_each)
    listed, more = listed_when(ctx, group, [k1, k2], classic)
    held, errs2 = holds_until([k1, k2], one_each)
    out["4 N leaves: classic again"] = {
        "one each": one_each(held),
        "errors": errs + more + errs2,
        "listed": listed,
    }
    return out


@case
def case_consumer_protocol_static_member_rolls_back_to_classic(ctx):
    """A rolling downgrade: a static consumer-protocol member restarts as a classic member
    with the same `group.instance.id`; it takes its own place, and as it was the last
    consumer-protocol member, the group is classic again."""
    t = ctx.topic(partitions=2)
    group = ctx.name("roll")
    out = {}
    k = ctx.consumer(group, **{"client.id": "K"})
    k.subscribe([t])
    holds_until([k], lambda h: h == [[0, 1]])
    s = member(ctx, group, "S", t, **{"group.instance.id": "s-1"})
    held, errs = holds_until([k, s], one_each)
    out["1 S (consumer protocol, static) joins K's group"] = {
        "one each": one_each(held),
        "errors": errs,
        "listed": listed_as(ctx, group),
    }
    s.close_once()
    s2 = ctx.consumer(group, **{"client.id": "S-classic", "group.instance.id": "s-1"})
    s2.subscribe([t])
    held, errs = holds_until([k, s2], one_each)
    listed, more = listed_when(ctx, group, [k, s2], classic)
    errs += more
    held, more = holds_until([k, s2], one_each)
    out["2 S back as a classic member"] = {
        "one each": one_each(held),
        "errors": errs + more,
        "listed": listed,
    }
    return out


@case
def case_consumer_protocol_authorized_operations(ctx):
    """What describing a group with its authorized operations lists, for a classic group
    (DescribeGroups) and a consumer group (ConsumerGroupDescribe)."""
    t = ctx.topic(partitions=2)
    out = {}
    k = ctx.consumer(ctx.name("classic"))
    k.subscribe([t])
    holds_until([k], lambda h: h == [[0, 1]])
    n = member(ctx, ctx.name("modern"), "N", t)
    holds_until([n], lambda h: h == [[0, 1]])
    for kind in ("classic", "modern"):
        group = ctx.name(kind)
        d = ctx.admin().describe_consumer_groups(
            [group], include_authorized_operations=True, request_timeout=10
        )[group].result(timeout=15)
        out[kind] = sorted(str(op) for op in (d.authorized_operations or []))
    return out


@case
def case_consumer_protocol_group_after_its_members_left(ctx):
    """A consumer group whose members all left stays, Empty, with its epoch; a new member
    continues from there; it cannot be deleted while it has members, and can be after."""
    from harness import err_name

    t = ctx.topic()
    group = ctx.name("g")
    admin = ctx.admin()

    def listed():
        got = admin.list_consumer_groups(request_timeout=10).result(timeout=15)
        return sorted((str(g.type), str(g.state)) for g in got.valid if g.group_id == group)

    def delete():
        try:
            admin.delete_consumer_groups([group], request_timeout=10)[group].result(timeout=15)
            return "ok"
        except Exception as e:
            return err_name(e)

    def epoch():
        _, out, _ = ctx.java_tool("consumer-groups", "--describe", "--group", group, "--state", "--verbose")
        rows = [line.split() for line in out if line.split() and line.split()[0] == group]
        return rows[0][-4:-1] if rows else None  # state, group epoch, assignment epoch

    def until_empty(timeout=15):
        # A member's leave may take a moment to land: wait for it, not for a fixed time.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and listed() != [("ConsumerGroupType.CONSUMER", "ConsumerGroupState.EMPTY")]:
            time.sleep(0.2)

    def until_settled(timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and (epoch() or [""])[0] != "Stable":
            time.sleep(0.2)
        return epoch()

    a = member(ctx, group, "A", t)
    settle([a], [[0]])
    out = {"with a member": {"listed": listed(), "delete": delete()}}
    a.close_once()
    until_empty()
    out["after it left"] = {"listed": listed(), "epoch": epoch()}
    b = member(ctx, group, "B", t)
    settle([b], [[0]])
    out["a new member"] = {"epoch": until_settled()}
    b.close_once()
    until_empty()
    out["deleted when empty"] = delete()
    out["after delete"] = listed()
    return out


def java_regex_member(ctx, group, regex, seconds, want):
    """Runs tests/differential/java/RegexMember.java (a Java consumer-protocol member with
    a broker-side regex) until it holds `want` topics or `seconds` pass; its output lines."""
    import os
    import subprocess

    from harness import ROOT

    libs = os.path.join(ROOT, "tests/kafka/target/kafka-libs/*")
    src = os.path.join(ROOT, "tests/differential/java/RegexMember.java")
    cmd = ["java", "-Xmx256m", "-Dlog4j2.level=off", "-cp", libs, src, ctx.bootstrap, group, regex, str(seconds), str(want)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    return [l for l in p.stdout.splitlines() if l.strip()] or [f"exit {p.returncode}"]


@case
def case_consumer_protocol_java_regex_with_internal_topic(ctx):
    """The Java member's broker-side regex matching two topics and __consumer_offsets:
    Kafka 4.4 assigns all three (internal topics are matched too), and the member, which
    asks for its topics' metadata by topic id, holds them."""
    prefix = ctx.name("P")
    ctx.create(name=f"{prefix}-orders", partitions=1)
    ctx.create(name=f"{prefix}-orders-v2", partitions=2)
    ctx.wait_topic(f"{prefix}-orders-v2", 2)
    regex = f".*(?:(?:{prefix}-orders)|(?:__consumer_offsets)).*"
    lines = java_regex_member(ctx, ctx.name("g"), regex, seconds=30, want=3)
    return lines[-1]


@case
def case_consumer_protocol_regex_member_assigned_in_time(ctx):
    """A second regex member joins a group whose regexes were just resolved (Kafka
    resolves a group's regexes at most every 10 s): both brokers give it its topics
    within 25 s of joining (10 s, then a 5 s heartbeat to learn of it, with room)."""
    prefix = ctx.name("rt")
    ctx.create(name=f"{prefix}-a", partitions=1)
    ctx.create(name=f"{prefix}-b", partitions=1)
    ctx.wait_topic(f"{prefix}-b", 1)
    group = ctx.name("g")

    def regex_member(regex):
        c = OnceClosingConsumer(
            {"bootstrap.servers": ctx.bootstrap, "group.id": group, "group.protocol": "consumer", **QUIET}
        )
        ctx._closers.append(c.close_once)
        c.subscribe([regex])
        return c

    first = regex_member(f"^{prefix}-a")
    deadline = time.monotonic() + 25
    while time.monotonic() < deadline and not first.assignment():
        first.poll(0.1)
    out = {"first": held(first)}
    second = regex_member(f"^{prefix}-b")
    deadline = time.monotonic() + 25
    while time.monotonic() < deadline and not second.assignment():
        for c in (first, second):
            c.poll(0.05)
    out["second within 25 s"] = held(second)
    return out
