//! Request dispatch: header, version checks, one handler per API, response encoding.

mod acls;
mod cluster_info;
mod configs;
mod consumer_groups;
mod fetch;
mod groups;
mod offsets;
mod produce;
mod scram;
mod topics;

use bytes::{Buf, Bytes, BytesMut};
use kafka_protocol::messages::{ApiKey, RequestHeader, ResponseHeader};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, StrBytes};

pub(crate) use scram::{ScramCredential, ScramStore};

use super::Shared;

/// Per-connection facts handlers need.
#[derive(Debug, Clone)]
pub(crate) struct Peer {
    /// `/ip` as Kafka prints client hosts.
    pub host: String,
    /// Who the client authenticated as (`User:ANONYMOUS` when it did not).
    pub principal: String,
    /// Host and port of the listener the connection came in on, as Metadata names it.
    pub advertised: std::sync::Arc<(String, i32)>,
}

impl Peer {
    /// The client's IP address, as ACL hosts name it.
    pub fn ip(&self) -> String {
        self.host.trim_start_matches('/').to_string()
    }
}

/// What the connection does after a request.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Send this response body (without the size prefix).
    Respond(BytesMut),
    /// Produce with acks=0 gets no response.
    NoResponse,
    /// The request was malformed: close the connection, as Kafka does.
    Close(String),
    /// Send this response, then close (failed authentication), saying why in the log.
    RespondThenClose(BytesMut, String),
}

/// What a handler knows about the request beyond its body.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub peer: &'a Peer,
    pub client_id: String,
    pub version: i16,
}

/// The APIs and versions this broker implements and advertises.
pub(crate) const SUPPORTED: &[(ApiKey, i16, i16)] = &[
    (ApiKey::Produce, 0, 9),
    (ApiKey::Fetch, 0, 12),
    (ApiKey::ListOffsets, 0, 7),
    (ApiKey::Metadata, 0, 12),
    (ApiKey::OffsetCommit, 0, 9),
    (ApiKey::OffsetFetch, 0, 9),
    (ApiKey::FindCoordinator, 0, 4),
    (ApiKey::JoinGroup, 0, 9),
    (ApiKey::Heartbeat, 0, 4),
    (ApiKey::LeaveGroup, 0, 5),
    (ApiKey::SyncGroup, 0, 5),
    (ApiKey::DescribeGroups, 0, 6),
    (ApiKey::ListGroups, 0, 5),
    (ApiKey::ApiVersions, 0, 3),
    (ApiKey::SaslHandshake, 0, 1),
    (ApiKey::SaslAuthenticate, 0, 2),
    (ApiKey::CreateTopics, 0, 7),
    (ApiKey::DeleteTopics, 0, 6),
    (ApiKey::InitProducerId, 0, 4),
    (ApiKey::OffsetForLeaderEpoch, 0, 4),
    (ApiKey::DescribeConfigs, 0, 4),
    (ApiKey::CreatePartitions, 0, 3),
    (ApiKey::DeleteGroups, 0, 2),
    (ApiKey::DescribeCluster, 0, 0),
    (ApiKey::AlterConfigs, 0, 2),
    (ApiKey::IncrementalAlterConfigs, 0, 1),
    (ApiKey::DeleteRecords, 0, 2),
    (ApiKey::DescribeTopicPartitions, 0, 0),
    (ApiKey::OffsetDelete, 0, 0),
    (ApiKey::DescribeUserScramCredentials, 0, 0),
    (ApiKey::AlterUserScramCredentials, 0, 0),
    (ApiKey::DescribeAcls, 1, 3),
    (ApiKey::CreateAcls, 1, 3),
    (ApiKey::DeleteAcls, 1, 3),
    (ApiKey::ConsumerGroupHeartbeat, 0, 1),
    (ApiKey::ConsumerGroupDescribe, 0, 1),
    (ApiKey::DescribeClientQuotas, 0, 1),
    // Kafka's ListConfigResources; the crate has only its first version.
    (ApiKey::ListClientMetricsResources, 0, 0),
];

impl Ctx<'_> {
    /// Whether the ACLs let this client perform `operation` on a resource.
    pub(crate) fn allowed(&self, operation: i8, resource_type: i8, name: &str) -> bool {
        self.shared.authorizer.allows(
            &self.shared.acls,
            &self.peer.principal,
            &self.peer.ip(),
            operation,
            resource_type,
            name,
        )
    }
}

/// Whether `version` of `api` is one this broker advertises.
pub(crate) fn is_supported(api: ApiKey, version: i16) -> bool {
    supported(api).is_some_and(|(lo, hi)| (lo..=hi).contains(&version))
}

fn supported(api: ApiKey) -> Option<(i16, i16)> {
    SUPPORTED
        .iter()
        .find(|(k, _, _)| *k == api)
        .map(|(_, lo, hi)| (*lo, *hi))
}

/// Owned string for the wire.
pub(crate) fn sb(s: impl Into<String>) -> StrBytes {
    StrBytes::from_string(s.into())
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) fn encode<R: Encodable + HeaderVersion>(
    correlation_id: i32,
    version: i16,
    response: &R,
) -> Outcome {
    let mut buf = BytesMut::new();
    let header = ResponseHeader::default().with_correlation_id(correlation_id);
    let result = header
        .encode(&mut buf, R::header_version(version))
        .and_then(|_| response.encode(&mut buf, version));
    match result {
        Ok(()) => Outcome::Respond(buf),
        Err(e) => {
            tracing::error!("response could not be encoded at v{version}: {e}");
            Outcome::Close(format!("internal encoding error: {e}"))
        }
    }
}

/// A response in a flexible version the crate cannot write: the header (v1, tagged
/// fields) and a body that `body` writes by hand.
fn encode_by_hand(
    correlation_id: i32,
    body: impl FnOnce(&mut BytesMut) -> Result<(), String>,
) -> Outcome {
    let mut buf = BytesMut::new();
    let header = ResponseHeader::default().with_correlation_id(correlation_id);
    let result = header
        .encode(&mut buf, 1)
        .map_err(|e| e.to_string())
        .and_then(|()| body(&mut buf));
    match result {
        Ok(()) => Outcome::Respond(buf),
        Err(e) => {
            tracing::error!("response could not be encoded: {e}");
            Outcome::Close(format!("internal encoding error: {e}"))
        }
    }
}

fn decode<T: Decodable>(body: &mut Bytes, version: i16) -> Result<T, Outcome> {
    T::decode(body, version).map_err(|e| Outcome::Close(format!("malformed request body: {e}")))
}

/// Handles one request frame.
pub(crate) async fn handle(shared: &Shared, peer: &Peer, mut frame: Bytes) -> Outcome {
    if frame.len() < 8 {
        return Outcome::Close(format!(
            "request of {} bytes is shorter than a header",
            frame.len()
        ));
    }
    let key = i16::from_be_bytes([frame[0], frame[1]]);
    let version = i16::from_be_bytes([frame[2], frame[3]]);
    let correlation_id = i32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]);
    let Ok(api) = ApiKey::try_from(key) else {
        return Outcome::Close(format!("unknown API key {key}"));
    };
    let range = supported(api);
    if api == ApiKey::ApiVersions && range.is_none_or(|(lo, hi)| version < lo || version > hi) {
        // The protocol guide: answer with a v0 body listing what we support.
        return encode(correlation_id, 0, &cluster_info::api_versions_response(35));
    }
    let Some((lo, hi)) = range else {
        return Outcome::Close(format!(
            "API {api:?} (key {key}) is not supported by this broker"
        ));
    };
    if version < lo || version > hi {
        return Outcome::Close(format!(
            "{api:?} v{version} was not advertised (supported: v{lo}..=v{hi})"
        ));
    }
    let header = match RequestHeader::decode(&mut frame, api.request_header_version(version)) {
        Ok(h) => h,
        Err(e) => return Outcome::Close(format!("malformed request header: {e}")),
    };
    let ctx = Ctx {
        shared,
        peer,
        client_id: header.client_id.map(|c| c.to_string()).unwrap_or_default(),
        version,
    };
    tracing::trace!(?api, version, correlation_id, client = %ctx.client_id, "request");
    let started = std::time::Instant::now();
    let outcome = match dispatch(api, &ctx, &mut frame, correlation_id).await {
        Ok(o) => o,
        Err(o) => o,
    };
    if let Outcome::Respond(body) = &outcome {
        tracing::trace!(
            ?api,
            version,
            bytes = body.len(),
            micros = started.elapsed().as_micros() as u64,
            "response"
        );
    }
    outcome
}

macro_rules! route {
    (async $ctx:expr, $body:expr, $corr:expr, $handler:path) => {{
        let req = decode($body, $ctx.version)?;
        let resp = $handler($ctx, req).await;
        encode($corr, $ctx.version, &resp)
    }};
    ($ctx:expr, $body:expr, $corr:expr, $handler:path) => {{
        let req = decode($body, $ctx.version)?;
        let resp = $handler($ctx, req);
        encode($corr, $ctx.version, &resp)
    }};
}

async fn dispatch(
    api: ApiKey,
    ctx: &Ctx<'_>,
    body: &mut Bytes,
    corr: i32,
) -> Result<Outcome, Outcome> {
    let outcome = match api {
        ApiKey::ApiVersions => {
            let _: kafka_protocol::messages::ApiVersionsRequest = decode(body, ctx.version)?;
            encode(corr, ctx.version, &cluster_info::api_versions_response(0))
        }
        ApiKey::Metadata => route!(ctx, body, corr, cluster_info::metadata),
        ApiKey::DescribeCluster => route!(ctx, body, corr, cluster_info::describe_cluster),
        ApiKey::FindCoordinator => route!(ctx, body, corr, cluster_info::find_coordinator),
        ApiKey::DescribeConfigs => route!(ctx, body, corr, configs::describe_configs),
        ApiKey::CreateTopics => route!(ctx, body, corr, topics::create_topics),
        ApiKey::DeleteTopics => route!(ctx, body, corr, topics::delete_topics),
        ApiKey::CreatePartitions => route!(ctx, body, corr, topics::create_partitions),
        ApiKey::AlterConfigs => route!(ctx, body, corr, configs::alter_configs),
        ApiKey::IncrementalAlterConfigs => {
            route!(ctx, body, corr, configs::incremental_alter_configs)
        }
        ApiKey::DescribeClientQuotas => route!(ctx, body, corr, configs::describe_client_quotas),
        ApiKey::ListClientMetricsResources => {
            route!(ctx, body, corr, configs::list_config_resources)
        }
        ApiKey::DescribeUserScramCredentials => route!(ctx, body, corr, scram::describe),
        ApiKey::AlterUserScramCredentials => route!(ctx, body, corr, scram::alter),
        ApiKey::OffsetDelete => route!(ctx, body, corr, offsets::offset_delete),
        ApiKey::DescribeAcls => route!(ctx, body, corr, acls::describe_acls),
        ApiKey::CreateAcls => route!(ctx, body, corr, acls::create_acls),
        ApiKey::DeleteAcls => route!(ctx, body, corr, acls::delete_acls),
        ApiKey::DeleteRecords => route!(ctx, body, corr, fetch::delete_records),
        ApiKey::DescribeTopicPartitions => {
            route!(ctx, body, corr, cluster_info::describe_topic_partitions)
        }
        ApiKey::Produce => {
            let req: kafka_protocol::messages::ProduceRequest = decode(body, ctx.version)?;
            let acks = req.acks;
            let resp = produce::produce(ctx, req);
            if acks == 0 {
                Outcome::NoResponse
            } else {
                encode(corr, ctx.version, &resp)
            }
        }
        ApiKey::InitProducerId => route!(ctx, body, corr, produce::init_producer_id),
        ApiKey::Fetch => route!(async ctx, body, corr, fetch::fetch),
        ApiKey::ListOffsets => route!(ctx, body, corr, fetch::list_offsets),
        ApiKey::OffsetForLeaderEpoch => route!(ctx, body, corr, fetch::offset_for_leader_epoch),
        ApiKey::JoinGroup => route!(async ctx, body, corr, groups::join_group),
        ApiKey::SyncGroup => route!(async ctx, body, corr, groups::sync_group),
        ApiKey::Heartbeat => route!(ctx, body, corr, groups::heartbeat),
        ApiKey::ConsumerGroupHeartbeat => {
            // v1 only adds SubscribedTopicRegex (the crate stops at v0): take it out, read
            // the rest as v0, and answer in v0's layout, which v1 shares.
            let regex = if ctx.version >= 1 {
                consumer_groups::take_regex(body)
                    .map_err(|e| Outcome::Close(format!("malformed request body: {e}")))?
            } else {
                None
            };
            let req = decode(body, 0)?;
            let resp = consumer_groups::consumer_group_heartbeat(ctx, req, regex);
            encode(corr, 0, &resp)
        }
        ApiKey::ConsumerGroupDescribe => {
            // v1 (KIP-1099) only adds each member's type; the crate stops at v0.
            let req = decode(body, 0)?;
            let (resp, types) = consumer_groups::consumer_group_describe(ctx, req);
            if ctx.version == 0 {
                encode(corr, 0, &resp)
            } else {
                encode_by_hand(corr, |buf| wire::member_type::encode_v1(&resp, &types, buf))
            }
        }
        ApiKey::LeaveGroup => route!(ctx, body, corr, groups::leave_group),
        ApiKey::DescribeGroups if ctx.version == 6 => {
            // v6 (KIP-1043) only adds an error message per group; the crate stops at v5,
            // whose request layout is the same.
            let req = decode(body, 5)?;
            let resp = groups::describe_groups(ctx, req);
            encode_by_hand(corr, |buf| {
                groups::encode_describe_groups_v6(&resp, buf);
                Ok(())
            })
        }
        ApiKey::DescribeGroups => route!(ctx, body, corr, groups::describe_groups),
        ApiKey::ListGroups => route!(ctx, body, corr, groups::list_groups),
        ApiKey::DeleteGroups => route!(ctx, body, corr, groups::delete_groups),
        ApiKey::OffsetCommit => route!(ctx, body, corr, offsets::offset_commit),
        ApiKey::OffsetFetch => route!(ctx, body, corr, offsets::offset_fetch),
        other => Outcome::Close(format!("API {other:?} is not supported by this broker")),
    };
    if body.has_remaining() {
        tracing::debug!(?api, left = body.remaining(), "request had trailing bytes");
    }
    Ok(outcome)
}

/// A broker's shared state and a request context, for handler tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Ctx, Peer, Shared};
    use crate::BrokerConfig;

    /// A fresh broker's state, as `kafka-dash broker` starts it.
    pub(crate) fn shared() -> Shared {
        Shared::new(BrokerConfig::default(), "127.0.0.1:9092".parse().unwrap())
    }

    /// Runs `f` with a context for a request at `version` from 127.0.0.1.
    pub(crate) fn with_ctx<T>(shared: &Shared, version: i16, f: impl FnOnce(&Ctx<'_>) -> T) -> T {
        let peer = Peer {
            host: "/127.0.0.1".into(),
            principal: crate::principal::ANONYMOUS.into(),
            advertised: std::sync::Arc::new(("127.0.0.1".into(), 9092)),
        };
        f(&Ctx {
            shared,
            peer: &peer,
            client_id: "test".into(),
            version,
        })
    }
}
