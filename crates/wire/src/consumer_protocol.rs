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

/// Decodes an assignment; a member given nothing decodes to no partitions, whether the
/// bytes are empty (librdkafka) or list topics with empty partition lists (kafka-python).
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
            .filter(|tp| !tp.partitions.is_empty())
            .map(|tp| (tp.topic.to_string(), tp.partitions))
            .collect(),
    ))
}

/// The version at the head of consumer-protocol bytes (0 when there is none), capped at
/// the highest we know: what an assignment for this member is written in.
pub fn version(bytes: &[u8]) -> i16 {
    version_and_body(bytes).map_or(0, |(v, _)| v)
}

/// Encodes an assignment in `version` (what a coordinator sends in SyncGroup).
pub fn encode_assignment(partitions: &TopicPartitions, version: i16) -> Bytes {
    use kafka_protocol::messages::consumer_protocol_assignment::TopicPartition;
    use kafka_protocol::protocol::{Encodable, StrBytes};
    let version = version.clamp(0, MAX_KNOWN_VERSION);
    let a = ConsumerProtocolAssignment::default().with_assigned_partitions(
        partitions
            .iter()
            .map(|(t, ps)| {
                TopicPartition::default()
                    .with_topic(StrBytes::from_string(t.clone()).into())
                    .with_partitions(ps.clone())
            })
            .collect(),
    );
    let mut buf = bytes::BytesMut::new();
    bytes::BufMut::put_i16(&mut buf, version);
    // Encoding an in-memory struct of known fields cannot fail.
    let _ = a.encode(&mut buf, version);
    buf.freeze()
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
    fn an_encoded_assignment_decodes_to_itself_in_every_version() {
        let parts = vec![("a".to_string(), vec![0, 2]), ("b".to_string(), vec![1])];
        for v in 0..=3 {
            let bytes = encode_assignment(&parts, v);
            assert_eq!(version(&bytes), v);
            assert_eq!(decode_assignment(&bytes).unwrap(), parts);
        }
        // Kafka's coordinator writes no user data: null, as here.
        let v0 = encode_assignment(&vec![("fx".to_string(), vec![0, 1])], 0);
        assert_eq!(&v0[v0.len() - 4..], &[0xff; 4]);
    }

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

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // Bytes recorded from real clients against `kafka-dash broker` with
    // `cargo run --example dump_group` (topic "fx", 2 partitions).
    #[test]
    fn librdkafka_range_member() {
        let sub = decode_subscription(&hex("000100000001000266780000000000000000")).unwrap();
        assert_eq!(
            sub,
            Subscription {
                topics: vec!["fx".into()],
                owned: vec![]
            }
        );
        let a = decode_assignment(&hex("0000000000010002667800000002000000000000000100000000"))
            .unwrap();
        assert_eq!(a, vec![("fx".to_string(), vec![0, 1])]);
    }

    #[test]
    fn kafka_python_member() {
        assert_eq!(
            decode_subscription(&hex("0000000000010002667800000000"))
                .unwrap()
                .topics,
            vec!["fx".to_string()]
        );
        let a = decode_assignment(&hex("0000000000010002667800000002000000000000000100000000"))
            .unwrap();
        assert_eq!(a, vec![("fx".to_string(), vec![0, 1])]);
    }

    #[test]
    fn kafka_python_idle_member_lists_the_topic_with_no_partitions() {
        // version 0, topic "sarama" with an empty partition list, empty user data: what
        // kafka-python's third member of a 2-partition group is given.
        let mut bytes = vec![0, 0, 0, 0, 0, 1, 0, 6];
        bytes.extend_from_slice(b"sarama");
        bytes.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(decode_assignment(&bytes).unwrap(), vec![]);
    }

    #[test]
    fn sarama_member_with_null_user_data() {
        assert_eq!(
            decode_subscription(&hex("00000000000100026678ffffffff"))
                .unwrap()
                .topics,
            vec!["fx".to_string()]
        );
        let a = decode_assignment(&hex("00000000000100026678000000020000000000000001ffffffff"))
            .unwrap();
        assert_eq!(a, vec![("fx".to_string(), vec![0, 1])]);
    }

    #[test]
    fn librdkafka_cooperative_sticky_members_own_one_partition_each() {
        let first = decode_subscription(&hex(
            "0001000000010002667800000014000000010002667800000001000000010000000200000001000266780000000100000001",
        ))
        .unwrap();
        assert_eq!(first.owned, vec![("fx".to_string(), vec![1])]);
        let a1 = decode_assignment(&hex(
            "000000000001000266780000000100000001000000140000000100026678000000010000000100000002",
        ))
        .unwrap();
        let a2 = decode_assignment(&hex(
            "000000000001000266780000000100000000000000080000000000000002",
        ))
        .unwrap();
        assert_eq!(
            (a1, a2),
            (
                vec![("fx".to_string(), vec![1])],
                vec![("fx".to_string(), vec![0])]
            )
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_assignment(&[0]).is_err());
        assert!(decode_assignment(&[0, 0, 0, 0, 0, 9]).is_err());
        assert!(decode_subscription(&[255, 255, 1]).is_err());
    }
}
