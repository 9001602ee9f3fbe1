//! Owned data the Kafka workers send to the UI.

use std::time::Duration;

/// A topic as the Topics pane lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    /// Name.
    pub name: String,
    /// Partition count.
    pub partitions: i32,
    /// Replicas of partition 0.
    pub replication: usize,
    /// Kafka-internal (`__consumer_offsets`).
    pub internal: bool,
    /// Sum of (high − low) watermarks over partitions, if known.
    pub messages: Option<i64>,
    /// Every partition: leader, replicas, in-sync replicas, watermarks.
    pub partition_meta: Vec<PartitionMeta>,
}

/// One partition as the cluster's metadata describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartitionMeta {
    /// Partition id.
    pub id: i32,
    /// Leader broker id (−1 while there is none).
    pub leader: i32,
    /// Replica broker ids, preferred leader first.
    pub replicas: Vec<i32>,
    /// In-sync replica broker ids.
    pub isr: Vec<i32>,
    /// Low watermark (log start offset), if read.
    pub low: Option<i64>,
    /// High watermark, if read.
    pub high: Option<i64>,
}

/// A broker the cluster's metadata lists (the ones that are up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerInfo {
    /// Broker id.
    pub id: i32,
    /// Advertised host.
    pub host: String,
    /// Advertised port.
    pub port: i32,
}

/// A consumed record, copied out of librdkafka.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Partition.
    pub partition: i32,
    /// Offset.
    pub offset: i64,
    /// Timestamp in ms, if the record has one.
    pub timestamp: Option<i64>,
    /// Key bytes.
    pub key: Option<Vec<u8>>,
    /// Value bytes.
    pub value: Option<Vec<u8>>,
    /// Headers in order (keys may repeat; values may be null).
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    /// The value's true size when the bytes kept here were cut to the preview limit
    /// (the detail view reads the whole record again).
    pub value_size: Option<usize>,
    /// Its key and value as shown through their schemas, once that answer is final (the
    /// UI fills it; filtering then does not decode again).
    pub shown: crate::schemas::shown::ShownCache,
}

impl Record {
    /// Bytes this record holds (key, value, headers): what the live view's budget counts.
    pub fn kept_bytes(&self) -> usize {
        let len = |b: &Option<Vec<u8>>| b.as_ref().map_or(0, Vec::len);
        len(&self.key)
            + len(&self.value)
            + self
                .headers
                .iter()
                .map(|(k, v)| k.len() + len(v))
                .sum::<usize>()
    }
}

/// Live numbers for one partition of the tailed topic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartitionStats {
    /// Partition id.
    pub partition: i32,
    /// Low watermark (log start), if fetched.
    pub low: Option<i64>,
    /// High watermark, if fetched.
    pub high: Option<i64>,
    /// Records consumed since the tail started (exact, even when records are dropped).
    pub seen: u64,
    /// Offset of the last record consumed.
    pub last_offset: Option<i64>,
}

impl PartitionStats {
    /// A record at `offset` was read.
    pub fn on_record(&mut self, offset: i64) {
        self.seen += 1;
        self.last_offset = Some(self.last_offset.map_or(offset, |l| l.max(offset)));
        self.make_coherent();
    }

    /// Watermarks arrived (from a fetch response or a ListOffsets answer, either of which
    /// may be older than what was already seen): watermarks only move forward, so an
    /// older answer never takes the figures back.
    pub fn on_watermarks(&mut self, low: Option<i64>, high: i64) {
        self.high = Some(self.high.map_or(high, |h| h.max(high)));
        if let Some(low) = low {
            self.low = Some(self.low.map_or(low, |l| l.max(low)));
        }
        self.make_coherent();
    }

    /// Keeps the figures consistent with each other: a record at offset `o` was below the
    /// high watermark when it was read, so high ≥ o + 1; and low ≤ high.
    pub fn make_coherent(&mut self) {
        if let Some(last) = self.last_offset {
            self.high = Some(self.high.map_or(last + 1, |h| h.max(last + 1)));
        }
        if let (Some(low), Some(high)) = (self.low, self.high) {
            self.low = Some(low.min(high));
        }
    }
}

/// A message the composer asks to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// Topic.
    pub topic: String,
    /// Fixed partition, or `None` for the partitioner's choice.
    pub partition: Option<i32>,
    /// Key.
    pub key: Option<Vec<u8>>,
    /// Value.
    pub value: Option<Vec<u8>>,
    /// Headers.
    pub headers: Vec<(String, Vec<u8>)>,
}

/// The outcome of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Topic.
    pub topic: String,
    /// `(partition, offset)` or the error.
    pub result: Result<(i32, i64), String>,
    /// Time from send to delivery report.
    pub latency: Duration,
}

/// A consumer group as the groups list shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupListing {
    /// Group id.
    pub name: String,
    /// State (Stable, PreparingRebalance, ...).
    pub state: String,
    /// Protocol type ("consumer", or "" for offset-only groups).
    pub protocol_type: String,
    /// Selected assignor (range, roundrobin, cooperative-sticky, ...).
    pub protocol: String,
    /// Member count.
    pub members: usize,
    /// Sum of known partition lags, if any is known.
    pub total_lag: Option<i64>,
    /// Its members and what they hold (empty for a group without members).
    pub member_list: Vec<MemberInfo>,
    /// The partitions its members read, with owner, committed offset and lag.
    pub partitions: Vec<PartitionLag>,
    /// Its worst partition's verdict, the partition named (`p3: no member, …`).
    pub status: Option<crate::kafka::health::Verdict>,
    /// How old its oldest unconsumed message is (ms), over its partitions; 0 when
    /// caught up, `None` when unknown.
    pub lag_ms: Option<i64>,
    /// How its total lag has been moving.
    pub trend: Option<crate::kafka::health::Trend>,
    /// When its lag was read (ms since the epoch); `None` if not yet.
    pub lag_read_ms: Option<i64>,
    /// Figures older than this (ms) have missed their re-read and are stale; `None`:
    /// never judged stale.
    pub stale_after_ms: Option<i64>,
}

/// The worst verdict among `partitions`, its reason prefixed with the partition.
pub fn worst_verdict(partitions: &[PartitionLag]) -> Option<crate::kafka::health::Verdict> {
    partitions
        .iter()
        .filter_map(|p| p.verdict.as_ref().map(|v| (p, v)))
        .max_by_key(|(p, v)| (v.status, p.lag()))
        .map(|(p, v)| crate::kafka::health::Verdict {
            status: v.status,
            why: format!("{}[{}]: {}", p.topic, p.partition, v.why),
        })
}

impl GroupListing {
    /// Whether the group reads `topic` (see [`reads_topic`]).
    pub fn reads(&self, topic: &str) -> bool {
        reads_topic(&self.member_list, self.partitions.iter(), topic)
    }
}

/// Whether a group with these members and partitions reads `topic`: a member subscribes
/// to it or holds a partition of it, or the group has an offset committed there — a group
/// whose members have all gone still has its position on the topic, and a verdict.
pub fn reads_topic<'a>(
    members: &[MemberInfo],
    mut partitions: impl Iterator<Item = &'a PartitionLag>,
    topic: &str,
) -> bool {
    members.iter().any(|m| {
        m.subscription.iter().any(|t| t == topic) || m.assignment.iter().any(|(t, _)| t == topic)
    }) || partitions.any(|p| p.topic == topic && (p.owner.is_some() || p.committed.is_some()))
}

/// One member of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInfo {
    /// Member id.
    pub member_id: String,
    /// Client id.
    pub client_id: String,
    /// Client host (`/ip`).
    pub host: String,
    /// Assigned partitions per topic (decoded from the consumer-protocol bytes).
    pub assignment: Vec<(String, Vec<i32>)>,
    /// Topics it subscribes to.
    pub subscription: Vec<String>,
    /// The regex it subscribes to (KIP-848 groups: the coordinator resolves it).
    pub regex: Option<String>,
    /// Its member epoch (KIP-848 groups only).
    pub epoch: Option<i32>,
    /// What the coordinator means it to hold (KIP-848 groups only): differs from
    /// `assignment` while it is converging.
    pub target: Option<Vec<(String, Vec<i32>)>>,
    /// A member of a KIP-848 group that speaks the classic protocol (online migration).
    pub classic: bool,
}

impl MemberInfo {
    /// Still converging: a KIP-848 member whose assignment is not yet its target.
    pub fn converging(&self) -> bool {
        self.target.as_ref().is_some_and(|t| {
            let norm = |a: &[(String, Vec<i32>)]| {
                let mut v: Vec<(String, i32)> = a
                    .iter()
                    .flat_map(|(t, ps)| ps.iter().map(move |p| (t.clone(), *p)))
                    .collect();
                v.sort();
                v
            };
            norm(t) != norm(&self.assignment)
        })
    }
}

/// What a KIP-848 group (`group.protocol=consumer`) says of its epochs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsumerProtocol {
    /// Bumped by every change that calls for a new assignment.
    pub group_epoch: i32,
    /// The epoch of the target assignment.
    pub assignment_epoch: i32,
}

/// One partition the group reads: who holds it, committed offset, lag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionLag {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// Member id holding it, if any.
    pub owner: Option<String>,
    /// Committed offset, if the group committed one.
    pub committed: Option<i64>,
    /// High watermark, if read.
    pub high: Option<i64>,
    /// Whether it is keeping up, judged over its recent history.
    pub verdict: Option<crate::kafka::health::Verdict>,
    /// How its lag has been moving.
    pub trend: Option<crate::kafka::health::Trend>,
    /// Lag in time (ms): how old the message at the committed offset is; 0 when caught
    /// up, `None` when nothing is committed or its timestamp could not be read.
    pub lag_ms: Option<i64>,
}

/// The largest lag in time among `partitions` (the group's oldest unconsumed message),
/// `None` if none is known.
pub fn max_lag_ms(partitions: &[PartitionLag]) -> Option<i64> {
    partitions.iter().filter_map(|p| p.lag_ms).max()
}

impl PartitionLag {
    /// high − committed; unknown (not zero) when nothing is committed.
    pub fn lag(&self) -> Option<i64> {
        Some((self.high? - self.committed?).max(0))
    }
}

/// A group seen at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSnapshot {
    /// Group id.
    pub name: String,
    /// State.
    pub state: String,
    /// Assignor.
    pub protocol: String,
    /// Members with their assignments.
    pub members: Vec<MemberInfo>,
    /// Epochs, for a KIP-848 group (`None`: a classic group).
    pub consumer: Option<ConsumerProtocol>,
}

/// The tail of a member id that tells members apart: librdkafka and the Java client end
/// it with a UUID, whose last six characters are enough within a group.
pub fn member_id_tail(member_id: &str) -> String {
    match member_id.rsplit_once('-') {
        Some((_, tail)) if tail.len() > 6 => format!("…{}", &tail[tail.len() - 6..]),
        _ => member_id.to_string(),
    }
}

/// How each member is named on screen (member id → name): its client id, and where
/// members share one (one application deployed N times) also the tail of its member id,
/// so `rdkafka→rdkafka` can never appear; a member without a client id by its member id.
pub fn member_labels(members: &[MemberInfo]) -> std::collections::BTreeMap<String, String> {
    let mut count: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for m in members {
        *count.entry(m.client_id.as_str()).or_default() += 1;
    }
    members
        .iter()
        .map(|m| {
            let name = if m.client_id.is_empty() {
                member_id_tail(&m.member_id)
            } else if count[m.client_id.as_str()] > 1 {
                format!("{} {}", m.client_id, member_id_tail(&m.member_id))
            } else {
                m.client_id.clone()
            };
            (m.member_id.clone(), name)
        })
        .collect()
}

impl GroupSnapshot {
    /// Who holds each partition: (topic, partition) → member id.
    pub fn owners(&self) -> std::collections::BTreeMap<(String, i32), String> {
        self.members
            .iter()
            .flat_map(|m| {
                m.assignment.iter().flat_map(move |(t, ps)| {
                    ps.iter()
                        .map(move |p| ((t.clone(), *p), m.member_id.clone()))
                })
            })
            .collect()
    }
}

/// A member the dashboard itself runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InAppMember {
    /// Our handle for it.
    pub id: u64,
    /// Group.
    pub group: String,
    /// Client id (kafka-dash-A, -B, ...).
    pub client_id: String,
    /// The member id the coordinator gave it ("" until it has joined): how the groups
    /// pane knows it is ours, whatever other members call themselves.
    pub member_id: String,
    /// Assignor.
    pub assignor: String,
    /// Messages read per (topic, partition).
    pub read: Vec<((String, i32), u64)>,
    /// Still running (false once it has left).
    pub running: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_sharing_a_client_id_are_told_apart() {
        let m = |client: &str, id: &str| MemberInfo {
            member_id: id.into(),
            client_id: client.into(),
            host: "/h".into(),
            assignment: vec![],
            subscription: vec![],
            regex: None,
            epoch: None,
            target: None,
            classic: false,
        };
        let labels = member_labels(&[
            m("rdkafka", "rdkafka-0e50ccfd-13f0-4efa-b7b0-3d39544014dd"),
            m("rdkafka", "rdkafka-8c1d2e3f-13f0-4efa-b7b0-aaaaaa999999"),
            m("seed", "seed-11111111-2222-3333-4444-555555555555"),
            m("", "static-1-7777"),
        ]);
        assert_eq!(
            labels["rdkafka-0e50ccfd-13f0-4efa-b7b0-3d39544014dd"],
            "rdkafka …4014dd"
        );
        assert_eq!(
            labels["rdkafka-8c1d2e3f-13f0-4efa-b7b0-aaaaaa999999"],
            "rdkafka …999999"
        );
        assert_eq!(labels["seed-11111111-2222-3333-4444-555555555555"], "seed");
        assert_eq!(labels["static-1-7777"], "static-1-7777");
    }

    #[test]
    fn a_group_reads_a_topic_it_has_committed_on_after_its_members_left() {
        let part = |topic: &str, committed| PartitionLag {
            topic: topic.into(),
            partition: 0,
            owner: None,
            committed,
            high: Some(10),
            verdict: None,
            trend: None,
            lag_ms: None,
        };
        let g = GroupListing {
            state: "Empty".into(),
            partitions: vec![part("orders", Some(4)), part("other", None)],
            ..Default::default()
        };
        assert!(g.reads("orders"));
        assert!(!g.reads("other"), "nothing committed, nobody holds it");
    }

    #[test]
    fn high_watermark_never_below_last_offset_plus_one() {
        let mut s = PartitionStats {
            partition: 0,
            low: Some(0),
            high: Some(220),
            seen: 227,
            last_offset: Some(226),
        };
        s.make_coherent();
        assert_eq!(s.high, Some(227));
        s.high = None;
        s.make_coherent();
        assert_eq!(s.high, Some(227));
        s.low = Some(300);
        s.make_coherent();
        assert_eq!(s.low, Some(227), "low is never above high");
    }
}
