//! Decoding of the "consumer" embedded protocol: a member's subscription (JoinGroup
//! metadata) and assignment (SyncGroup / DescribeGroups), as every Kafka client writes them.

use bytes::{Buf, Bytes};
use kafka_protocol::messages::{ConsumerProtocolAssignment, ConsumerProtocolSubscription};
use kafka_protocol::protocol::Decodable;

/// Highest version of these structs we know; newer ones are read as this (Kafka's rule:
/// fields are only ever appended).
const MAX_KNOWN_VERSION: i16 = 3;

/// Why consumer-protocol bytes could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("malformed consumer-protocol bytes: {0}")]
pub struct DecodeError(String);

/// Partitions per topic, sorted by topic then partition.
pub type TopicPartitions = Vec<(String, Vec<i32>)>;

/// A member's subscription.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subscription {
    /// Topics it subscribes to.
    pub topics: Vec<String>,
    /// Partitions it owns (cooperative rebalancing, v1+).
    pub owned: TopicPartitions,
}

fn version_and_body(bytes: &[u8]) -> Result<(i16, Bytes), DecodeError> {
    let mut buf = Bytes::copy_from_slice(bytes);
    if buf.remaining() < 2 {
        return Err(DecodeError(format!(
            "{} bytes is too short for a version",
            bytes.len()
        )));
    }
    let version = buf.get_i16();
    if version < 0 {
        return Err(DecodeError(format!("negative version {version}")));
    }
    Ok((version.min(MAX_KNOWN_VERSION), buf))
}

fn sorted(mut v: TopicPartitions) -> TopicPartitions {
    for (_, parts) in &mut v {
        parts.sort_unstable();
    }
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Decodes an assignment; empty bytes (a member given nothing) decode to no partitions.
pub fn decode_assignment(bytes: &[u8]) -> Result<TopicPartitions, DecodeError> {
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    let (version, mut body) = version_and_body(bytes)?;
    let a = ConsumerProtocolAssignment::decode(&mut body, version)
        .map_err(|e| DecodeError(e.to_string()))?;
    Ok(sorted(
        a.assigned_partitions
            .into_iter()
            .map(|tp| (tp.topic.to_string(), tp.partitions))
            .collect(),
    ))
}

/// Decodes a subscription (JoinGroup protocol metadata).
pub fn decode_subscription(bytes: &[u8]) -> Result<Subscription, DecodeError> {
    if bytes.is_empty() {
        return Ok(Subscription::default());
    }
    let (version, mut body) = version_and_body(bytes)?;
    let s = ConsumerProtocolSubscription::decode(&mut body, version)
        .map_err(|e| DecodeError(e.to_string()))?;
    Ok(Subscription {
        topics: s.topics.into_iter().map(|t| t.to_string()).collect(),
        owned: sorted(
            s.owned_partitions
                .into_iter()
                .map(|tp| (tp.topic.to_string(), tp.partitions))
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_assignment_is_idle() {
        assert_eq!(decode_assignment(&[]).unwrap(), vec![]);
    }

    #[test]
    fn hand_written_v0_assignment() {
        // version 0, 1 topic "t", partitions [1, 0], user data null.
        let bytes = [
            0, 0, 0, 0, 0, 1, 0, 1, b't', 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 255, 255, 255, 255,
        ];
        assert_eq!(
            decode_assignment(&bytes).unwrap(),
            vec![("t".to_string(), vec![0, 1])]
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_assignment(&[0]).is_err());
        assert!(decode_assignment(&[0, 0, 0, 0, 0, 9]).is_err());
        assert!(decode_subscription(&[255, 255, 1]).is_err());
    }
}
