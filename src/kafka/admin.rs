//! Admin operations the app asks for: create, grow and delete topics, delete groups and
//! reset their offsets. Each answers with what the status line says; the workers run each
//! call on a task of its own, so a slow or hanging one delays nothing else.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewPartitions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::{Offset, TopicPartitionList};

use crate::kafka::client::ClientSettings;
use crate::kafka::messages::ResetTo;
use crate::kafka::watermarks;

/// The admin client the workers share.
pub type Admin = AdminClient<DefaultClientContext>;

/// How long one request of a reset may take.
const RESET_TIMEOUT: Duration = Duration::from_secs(5);

/// What the status line says about an admin call, or why it failed.
pub type Outcome = Result<String, String>;

/// Turns one admin call's result into what the status bar says.
fn admin_outcome<T>(
    result: rdkafka::error::KafkaResult<Vec<Result<T, (String, rdkafka::types::RDKafkaErrorCode)>>>,
    done: String,
    what: String,
) -> Outcome {
    match result.map(|mut r| r.remove(0)) {
        Ok(Ok(_)) => Ok(done),
        Ok(Err((_, code))) => Err(format!("{what}: {code}")),
        Err(e) => Err(format!("{what}: {e}")),
    }
}

/// Creates a topic.
pub async fn create_topic(
    admin: Arc<Admin>,
    name: String,
    partitions: i32,
    replication: i32,
    configs: Vec<(String, String)>,
) -> Outcome {
    let mut topic = NewTopic::new(&name, partitions, TopicReplication::Fixed(replication));
    for (k, v) in &configs {
        topic = topic.set(k, v);
    }
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    let result = admin.create_topics(&[topic], &options).await;
    admin_outcome(
        result,
        format!("created topic {name} ({partitions} partitions)"),
        format!("create {name}"),
    )
}

/// Grows a topic to `total` partitions.
pub async fn add_partitions(admin: Arc<Admin>, topic: String, total: usize) -> Outcome {
    let result = admin
        .create_partitions(&[NewPartitions::new(&topic, total)], &AdminOptions::new())
        .await;
    admin_outcome(
        result,
        format!("{topic} now has {total} partitions"),
        format!("add partitions to {topic}"),
    )
}

/// Deletes a topic.
pub async fn delete_topic(admin: Arc<Admin>, name: String) -> Outcome {
    let result = admin.delete_topics(&[&name], &AdminOptions::new()).await;
    admin_outcome(
        result,
        format!("deleted topic {name}"),
        format!("delete {name}"),
    )
}

/// Deletes an empty group.
pub async fn delete_group(admin: Arc<Admin>, group: String) -> Outcome {
    let result = admin.delete_groups(&[&group], &AdminOptions::new()).await;
    admin_outcome(
        result,
        format!("deleted group {group}"),
        format!("delete group {group}"),
    )
}

/// Commits new offsets for every partition the group has committed, as
/// `kafka-consumer-groups.sh --reset-offsets --all-topics --execute` does; refused while
/// the group has active members (blocking). Watermarks (and offsets by time) are read for
/// all partitions at once, one request per leader, not one partition after another.
pub fn reset_offsets(settings: &ClientSettings, group: &str, to: ResetTo) -> Outcome {
    let consumer: BaseConsumer = settings
        .config()
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .map_err(|e| e.to_string())?;
    refuse_active(&consumer, group)?;
    let committed = committed_partitions(&consumer)?;
    if committed.is_empty() {
        return Err(format!("{group} has no committed offsets to reset"));
    }
    let wanted: Vec<(&str, i32)> = committed.iter().map(|(t, p)| (t.as_str(), *p)).collect();
    let marks = watermarks::read(&consumer, &wanted, RESET_TIMEOUT);
    let at_time = match to {
        ResetTo::Time(ts) => offsets_at(&consumer, &wanted, ts)?,
        _ => HashMap::new(),
    };
    let mut target = TopicPartitionList::new();
    for key in &committed {
        let (low, high) = *marks.get(key).ok_or_else(|| {
            format!(
                "reset {group}: no offsets for {} [{}] within {} s",
                key.0,
                key.1,
                RESET_TIMEOUT.as_secs()
            )
        })?;
        let offset = target_offset(to, low, high, at_time.get(key).copied());
        target
            .add_partition_offset(&key.0, key.1, Offset::Offset(offset))
            .map_err(|e| e.to_string())?;
    }
    consumer
        .commit(&target, CommitMode::Sync)
        .map_err(|e| format!("reset {group}: {e}"))?;
    Ok(format!("reset {} partitions of {group}", target.count()))
}

/// Offsets can only be reset while the group has no members.
fn refuse_active(consumer: &BaseConsumer, group: &str) -> Result<(), String> {
    let list = consumer
        .fetch_group_list(Some(group), RESET_TIMEOUT)
        .map_err(|e| e.to_string())?;
    match list.groups().first() {
        Some(g) if !g.members().is_empty() => Err(format!(
            "{group} has {} active members: offsets can only be reset while it is inactive",
            g.members().len()
        )),
        _ => Ok(()),
    }
}

/// The partitions (of non-internal topics) where the consumer's group has committed.
fn committed_partitions(consumer: &BaseConsumer) -> Result<Vec<(String, i32)>, String> {
    let md = consumer
        .fetch_metadata(None, RESET_TIMEOUT)
        .map_err(|e| e.to_string())?;
    let mut all = TopicPartitionList::new();
    for t in md.topics().iter().filter(|t| !t.name().starts_with("__")) {
        for p in t.partitions() {
            all.add_partition(t.name(), p.id());
        }
    }
    let committed = consumer
        .committed_offsets(all, RESET_TIMEOUT)
        .map_err(|e| e.to_string())?;
    Ok(committed
        .elements()
        .iter()
        .filter(|e| matches!(e.offset(), Offset::Offset(_)))
        .map(|e| (e.topic().to_string(), e.partition()))
        .collect())
}

/// The first offset at or after `ts` in each partition that has one (one request per
/// leader for all of them).
fn offsets_at(
    consumer: &BaseConsumer,
    partitions: &[(&str, i32)],
    ts: i64,
) -> Result<HashMap<(String, i32), i64>, String> {
    let mut q = TopicPartitionList::new();
    for (t, p) in partitions {
        q.add_partition_offset(t, *p, Offset::Offset(ts))
            .map_err(|e| e.to_string())?;
    }
    let found = consumer
        .offsets_for_times(q, RESET_TIMEOUT)
        .map_err(|e| e.to_string())?;
    Ok(found
        .elements()
        .iter()
        .filter_map(|e| match e.offset() {
            Offset::Offset(o) => Some(((e.topic().to_string(), e.partition()), o)),
            _ => None,
        })
        .collect())
}

/// Where one partition's offset goes: a chosen offset is kept within the log, and a time
/// after the last message means the end (as Kafka's tool does).
fn target_offset(to: ResetTo, low: i64, high: i64, at_time: Option<i64>) -> i64 {
    match to {
        ResetTo::Earliest => low,
        ResetTo::Latest => high,
        ResetTo::Offset(o) => o.clamp(low, high),
        ResetTo::Time(_) => at_time.unwrap_or(high),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_target_stays_within_the_log() {
        assert_eq!(target_offset(ResetTo::Earliest, 4, 9, None), 4);
        assert_eq!(target_offset(ResetTo::Latest, 4, 9, None), 9);
        assert_eq!(target_offset(ResetTo::Offset(2), 4, 9, None), 4);
        assert_eq!(target_offset(ResetTo::Offset(7), 4, 9, None), 7);
        assert_eq!(target_offset(ResetTo::Offset(70), 4, 9, None), 9);
        assert_eq!(target_offset(ResetTo::Time(1), 4, 9, Some(6)), 6);
        assert_eq!(target_offset(ResetTo::Time(1), 4, 9, None), 9);
    }
}
