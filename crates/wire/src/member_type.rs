//! ConsumerGroupDescribe version 1 (KIP-1099): version 0 with each member's MemberType
//! (0 classic, 1 consumer, −1 unknown) after its target assignment. kafka-protocol 0.15
//! knows version 0 only, so the broker writes version 1 from a version-0 response plus
//! the types, and the watcher reads it back by taking the types out, leaving version 0.

use bytes::{BufMut, Bytes, BytesMut};
use kafka_protocol::messages::ConsumerGroupDescribeResponse;
use kafka_protocol::protocol::Encodable;

use crate::compact::{put_compact_str, put_uvarint};

/// A member speaking the classic protocol inside a consumer group (online migration).
pub const CLASSIC: i8 = 0;
/// A member speaking the consumer protocol.
pub const CONSUMER: i8 = 1;

/// Writes a version-1 body: `types[g][m]` is member `m` of group `g`'s type (missing:
/// unknown).
pub fn encode_v1(
    resp: &ConsumerGroupDescribeResponse,
    types: &[Vec<i8>],
    buf: &mut BytesMut,
) -> Result<(), String> {
    buf.put_i32(resp.throttle_time_ms);
    put_uvarint(resp.groups.len() as u64 + 1, buf);
    for (gi, g) in resp.groups.iter().enumerate() {
        buf.put_i16(g.error_code);
        put_compact_str(g.error_message.as_deref(), buf);
        put_compact_str(Some(g.group_id.as_str()), buf);
        put_compact_str(Some(g.group_state.as_str()), buf);
        buf.put_i32(g.group_epoch);
        buf.put_i32(g.assignment_epoch);
        put_compact_str(Some(g.assignor_name.as_str()), buf);
        put_uvarint(g.members.len() as u64 + 1, buf);
        for (mi, m) in g.members.iter().enumerate() {
            let mut one = BytesMut::new();
            m.encode(&mut one, 0).map_err(|e| e.to_string())?;
            // Version 0 ends with the member's tagged fields: none, one zero byte.
            if one.last() != Some(&0) {
                return Err("a member with tagged fields".into());
            }
            buf.put_slice(&one[..one.len() - 1]);
            let t = types.get(gi).and_then(|t| t.get(mi)).copied().unwrap_or(-1);
            buf.put_i8(t);
            buf.put_u8(0);
        }
        buf.put_i32(g.authorized_operations);
        put_uvarint(0, buf);
    }
    put_uvarint(0, buf);
    Ok(())
}

/// Reads a version-1 body: the version-0 body and each member's type, by group.
pub fn decode_v1(body: &[u8]) -> Result<(Bytes, Vec<Vec<i8>>), String> {
    let mut r = Reader { b: body, at: 0 };
    let mut out = BytesMut::with_capacity(body.len());
    let mut types = Vec::new();
    r.copy(4, &mut out)?; // ThrottleTimeMs
    for _ in 0..r.array_len(&mut out)? {
        r.copy(2, &mut out)?; // ErrorCode
        r.compact_bytes(&mut out)?; // ErrorMessage
        r.compact_bytes(&mut out)?; // GroupId
        r.compact_bytes(&mut out)?; // GroupState
        r.copy(8, &mut out)?; // GroupEpoch, AssignmentEpoch
        r.compact_bytes(&mut out)?; // AssignorName
        let mut group_types = Vec::new();
        for _ in 0..r.array_len(&mut out)? {
            r.compact_bytes(&mut out)?; // MemberId
            r.compact_bytes(&mut out)?; // InstanceId
            r.compact_bytes(&mut out)?; // RackId
            r.copy(4, &mut out)?; // MemberEpoch
            r.compact_bytes(&mut out)?; // ClientId
            r.compact_bytes(&mut out)?; // ClientHost
            for _ in 0..r.array_len(&mut out)? {
                r.compact_bytes(&mut out)?; // SubscribedTopicNames
            }
            r.compact_bytes(&mut out)?; // SubscribedTopicRegex
            r.assignment(&mut out)?; // Assignment
            r.assignment(&mut out)?; // TargetAssignment
            let mut t = BytesMut::new();
            r.copy(1, &mut t)?;
            group_types.push(t[0] as i8);
            r.tagged(&mut out)?;
        }
        types.push(group_types);
        r.copy(4, &mut out)?; // AuthorizedOperations
        r.tagged(&mut out)?;
    }
    r.tagged(&mut out)?;
    if r.at != body.len() {
        return Err(format!(
            "{} bytes left after the response",
            body.len() - r.at
        ));
    }
    Ok((out.freeze(), types))
}

/// Walks a body, copying what it reads.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn copy(&mut self, n: usize, out: &mut BytesMut) -> Result<(), String> {
        let s = self
            .b
            .get(self.at..self.at + n)
            .ok_or("truncated response")?;
        out.put_slice(s);
        self.at += n;
        Ok(())
    }

    fn uvarint(&mut self, out: &mut BytesMut) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.b.get(self.at).ok_or("truncated varint")?;
            self.at += 1;
            out.put_u8(byte);
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    /// A compact array's length (null and empty alike: none to read).
    fn array_len(&mut self, out: &mut BytesMut) -> Result<u64, String> {
        Ok(self.uvarint(out)?.saturating_sub(1))
    }

    /// A compact (nullable) string or bytes.
    fn compact_bytes(&mut self, out: &mut BytesMut) -> Result<(), String> {
        let n = self.array_len(out)?;
        self.copy(n as usize, out)
    }

    fn tagged(&mut self, out: &mut BytesMut) -> Result<(), String> {
        for _ in 0..self.uvarint(out)? {
            self.uvarint(out)?; // tag
            let size = self.uvarint(out)?;
            self.copy(size as usize, out)?;
        }
        Ok(())
    }

    /// An Assignment: topic partitions (id, name, partitions) and tagged fields.
    fn assignment(&mut self, out: &mut BytesMut) -> Result<(), String> {
        for _ in 0..self.array_len(out)? {
            self.copy(16, out)?; // TopicId
            self.compact_bytes(out)?; // TopicName
            let n = self.array_len(out)?;
            self.copy(4 * n as usize, out)?; // Partitions
            self.tagged(out)?;
        }
        self.tagged(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::consumer_group_describe_response::{
        Assignment, DescribedGroup, Member, TopicPartitions,
    };
    use kafka_protocol::messages::{GroupId, TopicName};
    use kafka_protocol::protocol::{Decodable, StrBytes};

    fn s(v: &str) -> StrBytes {
        StrBytes::from_string(v.to_string())
    }

    fn member(id: &str, parts: &[i32]) -> Member {
        let a = Assignment::default().with_topic_partitions(vec![TopicPartitions::default()
            .with_topic_id(uuid::Uuid::from_u128(7))
            .with_topic_name(TopicName(s("lagt")))
            .with_partitions(parts.to_vec())]);
        Member::default()
            .with_member_id(s(id))
            .with_instance_id((id == "K").then(|| s("static-k")))
            .with_member_epoch(4)
            .with_client_id(s(id))
            .with_client_host(s("/127.0.0.1"))
            .with_subscribed_topic_names(vec![TopicName(s("lagt"))])
            .with_subscribed_topic_regex((id == "N").then(|| s("(^la.t)")))
            .with_assignment(a.clone())
            .with_target_assignment(a)
    }

    /// Version 1 is version 0 with a type per member: writing it and reading it back
    /// gives the same response and the same types.
    #[test]
    fn version_one_round_trips_through_version_zero() {
        let resp = ConsumerGroupDescribeResponse::default().with_groups(vec![
            DescribedGroup::default()
                .with_group_id(GroupId(s("mx")))
                .with_group_state(s("Stable"))
                .with_group_epoch(4)
                .with_assignment_epoch(4)
                .with_assignor_name(s("uniform"))
                .with_members(vec![member("K", &[0]), member("N", &[1, 2])]),
            DescribedGroup::default()
                .with_error_code(69)
                .with_error_message(Some(s("Group x not found.")))
                .with_group_id(GroupId(s("x"))),
        ]);
        let types = vec![vec![CLASSIC, CONSUMER], vec![]];
        let mut v1 = BytesMut::new();
        encode_v1(&resp, &types, &mut v1).unwrap();
        let mut v0 = BytesMut::new();
        resp.encode(&mut v0, 0).unwrap();
        assert_eq!(v1.len(), v0.len() + 2, "one byte per member");
        let (back, read) = decode_v1(&v1).unwrap();
        assert_eq!(&back[..], &v0[..]);
        assert_eq!(read, types);
        let mut b = back;
        assert_eq!(
            ConsumerGroupDescribeResponse::decode(&mut b, 0).unwrap(),
            resp
        );
        assert!(
            decode_v1(&v1[..v1.len() - 3]).is_err(),
            "truncated: an error"
        );
    }
}
