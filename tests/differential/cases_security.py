"""ACLs (both clusters run an authorizer that allows everything until ACLs say
otherwise), their enforcement, SCRAM credential administration and offset deletion."""
import time

from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition
from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    ResourcePatternType,
    ResourceType,
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialDeletion,
    UserScramCredentialUpsertion,
)

from harness import case, commit_sync, err_name


def binding(name, op, perm, pattern=ResourcePatternType.LITERAL, rtype=ResourceType.TOPIC, principal="User:*"):
    return AclBinding(rtype, name, pattern, principal, "*", op, perm)


def create_acls(ctx, bindings):
    fs = ctx.admin().create_acls(bindings, request_timeout=10)
    out = []
    for b in bindings:
        try:
            fs[b].result(timeout=15)
            out.append("ok")
        except Exception as e:
            out.append(err_name(e))
    time.sleep(0.5)  # Kafka propagates ACLs through its metadata log
    return out


def described(ctx, flt):
    try:
        acls = ctx.admin().describe_acls(flt, request_timeout=10).result(timeout=15)
    except Exception as e:
        return err_name(e)
    return sorted(
        [str(a.restype), a.name, str(a.resource_pattern_type), a.principal, a.host, str(a.operation), str(a.permission_type)]
        for a in acls
    )


def any_filter(name=None, pattern=ResourcePatternType.ANY):
    return AclBindingFilter(ResourceType.ANY, name, pattern, None, None, AclOperation.ANY, AclPermissionType.ANY)


@case
def case_acls_create_describe_delete(ctx):
    t = ctx.name()
    created = create_acls(
        ctx,
        [
            binding(t, AclOperation.READ, AclPermissionType.ALLOW),
            binding(t + "-pre", AclOperation.WRITE, AclPermissionType.DENY, ResourcePatternType.PREFIXED),
            binding(t, AclOperation.DESCRIBE, AclPermissionType.ALLOW, principal="User:alice"),
        ],
    )
    exact = described(ctx, any_filter(t))
    matching = described(ctx, AclBindingFilter(ResourceType.TOPIC, t + "-pre-x", ResourcePatternType.MATCH, None, None, AclOperation.ANY, AclPermissionType.ANY))
    fs = ctx.admin().delete_acls([any_filter(t), any_filter(t + "-pre")], request_timeout=10)
    deleted = sorted(len(f.result(timeout=15)) for f in fs.values())
    time.sleep(0.5)
    return {"created": created, "exact": exact, "match": matching, "deleted": deleted, "after": described(ctx, any_filter(t))}


@case
def case_acls_invalid_bindings(ctx):
    return create_acls(ctx, [binding("kafka-cluster-x", AclOperation.ALTER, AclPermissionType.ALLOW, rtype=ResourceType.BROKER)])


@case
def case_acls_deny_write_then_produce(ctx):
    t = ctx.topic()
    create_acls(ctx, [binding(t, AclOperation.WRITE, AclPermissionType.DENY)])
    reports = ctx.produce(t, [(None, b"x")], **{"message.timeout.ms": 5000, "retries": 0})
    ctx.admin().delete_acls([any_filter(t)])
    return reports


@case
def case_acls_describe_allowed_read_denied(ctx):
    t = ctx.topic()
    ctx.produce(t, [(None, b"x")])
    create_acls(
        ctx,
        [binding(t, AclOperation.DESCRIBE, AclPermissionType.ALLOW), binding(t, AclOperation.READ, AclPermissionType.DENY)],
    )
    got = ctx.consume(t, 1, 1, timeout=8)
    md = ctx.admin().list_topics(t, timeout=10).topics[t]
    ctx.admin().delete_acls([any_filter(t)])
    return {"consume": got, "metadata": err_name(md.error)}


@case
def case_acls_deny_all_hides_topic(ctx):
    t = ctx.topic()
    create_acls(ctx, [binding(t, AclOperation.ALL, AclPermissionType.DENY)])
    md = ctx.admin().list_topics(t, timeout=10).topics.get(t)
    listed = t in ctx.admin().list_topics(timeout=10).topics
    ctx.admin().delete_acls([any_filter(t)])
    return {"named": err_name(md.error) if md else "missing", "in_full_listing": listed}


@case
def case_scram_credentials(ctx):
    user = ctx.name("user")
    a = ctx.admin()

    def describe():
        try:
            r = a.describe_user_scram_credentials([user], request_timeout=10)[user].result(timeout=15)
            return [(str(c.mechanism), c.iterations) for c in r.scram_credential_infos]
        except Exception as e:
            return err_name(e)

    def alter(alterations):
        try:
            fs = a.alter_user_scram_credentials(alterations, request_timeout=10)
            return [err_name(None) if f.exception() is None else err_name(f.exception()) for f in fs.values()]
        except Exception as e:
            return err_name(e)

    before = describe()
    up = alter([UserScramCredentialUpsertion(user, ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 10000), b"secret", b"salt")])
    after = describe()
    few = alter([UserScramCredentialUpsertion(user, ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 100), b"secret", b"salt")])
    gone = alter([UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_256)])
    again = alter([UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_256)])
    return {"before": before, "upsert": up, "after": after, "too_few": few, "delete": gone, "delete_again": again, "end": describe()}


@case
def case_delete_group_offsets(ctx):
    CGTP = ConsumerGroupTopicPartitions
    t = ctx.topic(partitions=2)
    group = ctx.name("g")
    c = ctx.consumer(group)
    commit_sync(c, [TopicPartition(t, 0, 3), TopicPartition(t, 1, 4)])
    a = ctx.admin()
    try:
        r = a.delete_consumer_group_offsets([CGTP(group, [TopicPartition(t, 0)])], request_timeout=10)[group].result(timeout=15)
        deleted = [(tp.partition, err_name(tp.error)) for tp in r.topic_partitions]
    except Exception as e:
        deleted = err_name(e)
    try:
        a.delete_consumer_group_offsets([CGTP(ctx.name("nobody"), [TopicPartition(t, 0)])], request_timeout=10)[ctx.name("nobody")].result(timeout=15)
        unknown = "ok"
    except Exception as e:
        unknown = err_name(e)
    left = a.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group, [TopicPartition(t, 0), TopicPartition(t, 1)])])[group].result(timeout=15)
    return {"deleted": deleted, "unknown_group": unknown, "left": [(tp.partition, tp.offset) for tp in left.topic_partitions]}


@case
def case_delete_group_offsets_of_subscribed_topic(ctx):
    CGTP = ConsumerGroupTopicPartitions
    from cases_groups import wait_assigned

    t = ctx.topic()
    group = ctx.name("g")
    c = ctx.consumer(group)
    c.subscribe([t])
    wait_assigned([c], 1)
    commit_sync(c, [TopicPartition(t, 0, 1)])
    try:
        r = ctx.admin().delete_consumer_group_offsets([CGTP(group, [TopicPartition(t, 0)])], request_timeout=10)[group].result(timeout=15)
        return [(tp.partition, err_name(tp.error)) for tp in r.topic_partitions]
    except Exception as e:
        return err_name(e)
