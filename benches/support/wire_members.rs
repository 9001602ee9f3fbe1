//! Group members spoken over the wire with the Kafka protocol directly: thousands of
//! groups, each with a member and commits, cost one connection instead of thousands of
//! librdkafka clients (which a 2-core machine could not run).

use bytes::{BufMut, Bytes, BytesMut};
use kafka_dash::kafka::frame;
use kafka_protocol::messages::join_group_request::JoinGroupRequestProtocol;
use kafka_protocol::messages::offset_commit_request::{
    OffsetCommitRequestPartition, OffsetCommitRequestTopic,
};
use kafka_protocol::messages::sync_group_request::SyncGroupRequestAssignment;
use kafka_protocol::messages::{
    ApiKey, GroupId, HeartbeatRequest, HeartbeatResponse, JoinGroupRequest, JoinGroupResponse,
    OffsetCommitRequest, OffsetCommitResponse, SyncGroupRequest, SyncGroupResponse, TopicName,
};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, StrBytes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One connection to the broker.
pub struct Wire {
    stream: TcpStream,
    correlation: i32,
}

fn s(v: &str) -> StrBytes {
    StrBytes::from_string(v.to_string())
}

/// A consumer-protocol subscription (v0) to one topic.
fn subscription(topic: &str) -> Bytes {
    let mut b = BytesMut::new();
    b.put_i16(0);
    b.put_i32(1);
    b.put_i16(topic.len() as i16);
    b.put_slice(topic.as_bytes());
    b.put_i32(-1);
    b.freeze()
}

/// A consumer-protocol assignment (v0) of `partitions` of one topic.
fn assignment(topic: &str, partitions: &[i32]) -> Bytes {
    let mut b = BytesMut::new();
    b.put_i16(0);
    b.put_i32(1);
    b.put_i16(topic.len() as i16);
    b.put_slice(topic.as_bytes());
    b.put_i32(partitions.len() as i32);
    for p in partitions {
        b.put_i32(*p);
    }
    b.put_i32(-1);
    b.freeze()
}

/// A member that joined a group alone and holds every partition of its topic.
#[derive(Clone, Debug)]
pub struct Member {
    /// Group id.
    pub group: String,
    /// Member id the coordinator gave.
    pub member_id: String,
    /// Generation joined.
    pub generation: i32,
}

impl Wire {
    /// Connects.
    pub async fn connect(bootstrap: &str) -> Wire {
        Wire {
            stream: TcpStream::connect(bootstrap).await.expect("connect"),
            correlation: 0,
        }
    }

    async fn call<Req, Resp>(&mut self, key: ApiKey, version: i16, req: &Req) -> Resp
    where
        Req: Encodable + HeaderVersion,
        Resp: Decodable + HeaderVersion,
    {
        self.correlation += 1;
        let framed = frame::encode_request(key, version, self.correlation, "bench-member", req)
            .expect("encode");
        self.stream.write_all(&framed).await.expect("write");
        let len = self.stream.read_i32().await.expect("read length");
        let mut body = vec![0u8; len as usize];
        self.stream.read_exact(&mut body).await.expect("read body");
        frame::decode_response(Bytes::from(body), version, self.correlation).expect("decode")
    }

    /// Joins `group` as its only member, takes every partition of `topic`
    /// (`partitions` of them) and commits `offset` on each.
    pub async fn join(&mut self, group: &str, topic: &str, partitions: i32, offset: i64) -> Member {
        let join: JoinGroupResponse = self
            .call(
                ApiKey::JoinGroup,
                2,
                &JoinGroupRequest::default()
                    .with_group_id(GroupId(s(group)))
                    .with_session_timeout_ms(60_000)
                    .with_rebalance_timeout_ms(60_000)
                    .with_member_id(s(""))
                    .with_protocol_type(s("consumer"))
                    .with_protocols(vec![JoinGroupRequestProtocol::default()
                        .with_name(s("range"))
                        .with_metadata(subscription(topic))]),
            )
            .await;
        assert_eq!(join.error_code, 0, "join {group}");
        let member = Member {
            group: group.to_string(),
            member_id: join.member_id.to_string(),
            generation: join.generation_id,
        };
        let all: Vec<i32> = (0..partitions).collect();
        let sync: SyncGroupResponse = self
            .call(
                ApiKey::SyncGroup,
                1,
                &SyncGroupRequest::default()
                    .with_group_id(GroupId(s(group)))
                    .with_generation_id(member.generation)
                    .with_member_id(s(&member.member_id))
                    .with_assignments(vec![SyncGroupRequestAssignment::default()
                        .with_member_id(s(&member.member_id))
                        .with_assignment(assignment(topic, &all))]),
            )
            .await;
        assert_eq!(sync.error_code, 0, "sync {group}");
        self.commit(&member, topic, partitions, offset).await;
        member
    }

    /// Commits `offset` on every partition of `topic` for `m`'s group.
    pub async fn commit(&mut self, m: &Member, topic: &str, partitions: i32, offset: i64) {
        let commit: OffsetCommitResponse = self
            .call(
                ApiKey::OffsetCommit,
                2,
                &OffsetCommitRequest::default()
                    .with_group_id(GroupId(s(&m.group)))
                    .with_generation_id_or_member_epoch(m.generation)
                    .with_member_id(s(&m.member_id))
                    .with_retention_time_ms(-1)
                    .with_topics(vec![OffsetCommitRequestTopic::default()
                        .with_name(TopicName(s(topic)))
                        .with_partitions(
                            (0..partitions)
                                .map(|p| {
                                    OffsetCommitRequestPartition::default()
                                        .with_partition_index(p)
                                        .with_committed_offset(offset)
                                })
                                .collect(),
                        )]),
            )
            .await;
        for t in &commit.topics {
            for p in &t.partitions {
                assert_eq!(p.error_code, 0, "commit {}", m.group);
            }
        }
    }

    /// Keeps `m` in its group.
    pub async fn heartbeat(&mut self, m: &Member) {
        let hb: HeartbeatResponse = self
            .call(
                ApiKey::Heartbeat,
                1,
                &HeartbeatRequest::default()
                    .with_group_id(GroupId(s(&m.group)))
                    .with_generation_id(m.generation)
                    .with_member_id(s(&m.member_id)),
            )
            .await;
        assert_eq!(hb.error_code, 0, "heartbeat {}", m.group);
    }
}
