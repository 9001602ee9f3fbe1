//! A small Kafka protocol client for what librdkafka does not expose: ConsumerGroupDescribe
//! (KIP-848 groups' epochs and target assignments). Plaintext only; on a cluster that
//! needs TLS or SASL the groups pane goes without those figures.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::messages::{
    ApiKey, ApiVersionsRequest, ApiVersionsResponse, ConsumerGroupDescribeRequest,
    ConsumerGroupDescribeResponse, FindCoordinatorRequest, FindCoordinatorResponse, GroupId,
    RequestHeader, ResponseHeader,
};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, StrBytes};

use crate::kafka::model::{ConsumerProtocol, GroupSnapshot, MemberInfo};

/// GROUP_ID_NOT_FOUND: the group does not exist, or is a classic group.
const GROUP_ID_NOT_FOUND: i16 = 69;

/// One connection.
struct Conn {
    stream: TcpStream,
    correlation: i32,
    /// The ConsumerGroupDescribe version to use with this broker (0, or 1 for member
    /// types), learned from ApiVersions; `None` until asked, `Some(None)` if unknown.
    describe_version: Option<Option<i16>>,
}

impl Conn {
    fn open(addr: &str, timeout: Duration) -> Result<Conn, String> {
        let sock = addr
            .parse()
            .or_else(|_| {
                std::net::ToSocketAddrs::to_socket_addrs(addr)
                    .map_err(|e| e.to_string())?
                    .next()
                    .ok_or_else(|| format!("{addr}: no address"))
            })
            .map_err(|e: String| e)?;
        let stream = TcpStream::connect_timeout(&sock, timeout).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(timeout))
            .map_err(|e| e.to_string())?;
        stream
            .set_write_timeout(Some(timeout))
            .map_err(|e| e.to_string())?;
        Ok(Conn {
            stream,
            correlation: 0,
            describe_version: None,
        })
    }

    fn call<Req, Resp>(&mut self, key: ApiKey, version: i16, req: &Req) -> Result<Resp, String>
    where
        Req: Encodable + HeaderVersion,
        Resp: Decodable + HeaderVersion,
    {
        let body = self.send(key, version, version, req)?;
        decode_response(body, version, self.correlation)
    }

    /// Sends a request as `version` with a body written as `body_version` (the same
    /// layout); the response body, header included.
    fn send<Req>(
        &mut self,
        key: ApiKey,
        version: i16,
        body_version: i16,
        req: &Req,
    ) -> Result<Bytes, String>
    where
        Req: Encodable + HeaderVersion,
    {
        self.correlation += 1;
        let client = crate::kafka::client::WATCHER_CLIENT_ID;
        let mut framed = encode_request(key, body_version, self.correlation, client, req)?;
        // The header's version field: bytes 6-7 (after the size and the API key).
        framed[6..8].copy_from_slice(&version.to_be_bytes());
        self.stream.write_all(&framed).map_err(|e| e.to_string())?;
        let mut len = [0u8; 4];
        self.stream
            .read_exact(&mut len)
            .map_err(|e| e.to_string())?;
        let len = i32::from_be_bytes(len);
        if !(0..=64 << 20).contains(&len) {
            return Err(format!("response of {len} bytes"));
        }
        let mut body = vec![0u8; len as usize];
        self.stream
            .read_exact(&mut body)
            .map_err(|e| e.to_string())?;
        Ok(Bytes::from(body))
    }

    /// The ConsumerGroupDescribe version this broker takes (1 at most), asked once.
    fn describe_version(&mut self) -> Result<(Option<i16>, u32), String> {
        if let Some(v) = self.describe_version {
            return Ok((v, 0));
        }
        let versions: ApiVersionsResponse =
            self.call(ApiKey::ApiVersions, 0, &ApiVersionsRequest::default())?;
        let v = versions
            .api_keys
            .iter()
            .find(|k| k.api_key == ApiKey::ConsumerGroupDescribe as i16)
            .map(|k| k.max_version.min(1));
        self.describe_version = Some(v);
        Ok((v, 1))
    }

    /// ConsumerGroupDescribe in `version` (0 or 1): the response and, from version 1,
    /// each member's type by group.
    fn describe(
        &mut self,
        version: i16,
        req: &ConsumerGroupDescribeRequest,
    ) -> Result<(ConsumerGroupDescribeResponse, Vec<Vec<i8>>), String> {
        if version == 0 {
            return Ok((
                self.call(ApiKey::ConsumerGroupDescribe, 0, req)?,
                Vec::new(),
            ));
        }
        let body = self.send(ApiKey::ConsumerGroupDescribe, version, 0, req)?;
        let body = after_header(body, 1, self.correlation)?;
        let (v0, types) = wire::member_type::decode_v1(&body)?;
        Ok((decode_body(v0, 0)?, types))
    }
}

/// A request framed for the wire: size, header (with `client_id`), body.
pub fn encode_request<Req: Encodable + HeaderVersion>(
    key: ApiKey,
    version: i16,
    correlation: i32,
    client_id: &str,
    req: &Req,
) -> Result<Vec<u8>, String> {
    let mut buf = BytesMut::new();
    RequestHeader::default()
        .with_request_api_key(key as i16)
        .with_request_api_version(version)
        .with_correlation_id(correlation)
        .with_client_id(Some(StrBytes::from_string(client_id.to_string())))
        .encode(&mut buf, Req::header_version(version))
        .map_err(|e| e.to_string())?;
    req.encode(&mut buf, version).map_err(|e| e.to_string())?;
    let mut framed = Vec::with_capacity(buf.len() + 4);
    framed.put_i32(buf.len() as i32);
    framed.extend_from_slice(&buf);
    Ok(framed)
}

/// A response body (after the size) read back: its header must carry `correlation`.
pub fn decode_response<Resp: Decodable + HeaderVersion>(
    body: Bytes,
    version: i16,
    correlation: i32,
) -> Result<Resp, String> {
    let body = after_header(body, Resp::header_version(version), correlation)?;
    decode_body(body, version)
}

/// A response body past its header (of `header_version`), which must carry `correlation`.
fn after_header(mut body: Bytes, header_version: i16, correlation: i32) -> Result<Bytes, String> {
    let header = ResponseHeader::decode(&mut body, header_version).map_err(|e| e.to_string())?;
    if header.correlation_id != correlation {
        return Err("response out of order".into());
    }
    Ok(body)
}

/// A response body (after its header), all of it.
fn decode_body<Resp: Decodable>(mut body: Bytes, version: i16) -> Result<Resp, String> {
    let resp = Resp::decode(&mut body, version).map_err(|e| e.to_string())?;
    if body.has_remaining() {
        return Err(format!(
            "{} bytes left after the response",
            body.remaining()
        ));
    }
    Ok(resp)
}

/// Reads KIP-848 groups with ConsumerGroupDescribe, keeping connections and coordinators.
pub struct GroupDescriber {
    bootstrap: Vec<String>,
    coordinators: HashMap<String, String>,
    conns: HashMap<String, Conn>,
    timeout: Duration,
    /// Set once the cluster has shown it does not know the API: not asked again.
    unsupported: bool,
}

impl std::fmt::Debug for GroupDescriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupDescriber")
            .field("bootstrap", &self.bootstrap)
            .finish()
    }
}

impl GroupDescriber {
    /// A describer for the cluster at `bootstrap` (comma-separated host:port).
    pub fn new(bootstrap: &str, timeout: Duration) -> GroupDescriber {
        GroupDescriber {
            bootstrap: bootstrap.split(',').map(|s| s.trim().to_string()).collect(),
            coordinators: HashMap::new(),
            conns: HashMap::new(),
            timeout,
            unsupported: false,
        }
    }

    fn conn(&mut self, addr: &str) -> Result<&mut Conn, String> {
        if !self.conns.contains_key(addr) {
            let c = Conn::open(addr, self.timeout)?;
            self.conns.insert(addr.to_string(), c);
        }
        Ok(self.conns.get_mut(addr).expect("just opened"))
    }

    /// The group's coordinator (host:port), found once; returns whether a request was sent.
    fn coordinator(&mut self, group: &str) -> Result<(String, bool), String> {
        if let Some(c) = self.coordinators.get(group) {
            return Ok((c.clone(), false));
        }
        let mut last = String::from("no bootstrap server");
        for b in self.bootstrap.clone() {
            let req = FindCoordinatorRequest::default()
                .with_key(StrBytes::from_string(group.to_string()))
                .with_key_type(0);
            let answer: Result<FindCoordinatorResponse, String> = self
                .conn(&b)
                .and_then(|c| c.call(ApiKey::FindCoordinator, 3, &req));
            match answer {
                Ok(r) if r.error_code == 0 => {
                    let addr = format!("{}:{}", r.host.as_str(), r.port);
                    self.coordinators.insert(group.to_string(), addr.clone());
                    return Ok((addr, true));
                }
                Ok(r) => last = format!("FindCoordinator error {}", r.error_code),
                Err(e) => {
                    self.conns.remove(&b);
                    last = e;
                }
            }
        }
        Err(last)
    }

    /// What ConsumerGroupDescribe says of `group`: `None` when it is not a KIP-848 group
    /// (or the cluster does not know the API). Also returns how many requests it sent.
    pub fn describe(&mut self, group: &str) -> (Result<Option<GroupSnapshot>, String>, u32) {
        if self.unsupported {
            return (Ok(None), 0);
        }
        let (addr, found) = match self.coordinator(group) {
            Ok(a) => a,
            Err(e) => return (Err(e), 1),
        };
        let mut sent = 1 + u32::from(found);
        let req = ConsumerGroupDescribeRequest::default()
            .with_group_ids(vec![GroupId(StrBytes::from_string(group.to_string()))]);
        let answer = self.conn(&addr).and_then(|c| {
            let (version, asked) = c.describe_version()?;
            sent += asked;
            match version {
                Some(v) => c.describe(v, &req).map(Some),
                None => Ok(None),
            }
        });
        let (resp, types) = match answer {
            Ok(Some(r)) => r,
            Ok(None) => {
                self.unsupported = true;
                return (Ok(None), sent);
            }
            Err(e) => {
                // A broker that does not know the API closes the connection.
                self.conns.remove(&addr);
                self.coordinators.remove(group);
                if e.contains("failed to fill whole buffer") || e.contains("reset") {
                    self.unsupported = true;
                }
                return (Err(e), sent);
            }
        };
        let Some(g) = resp.groups.into_iter().next() else {
            return (Ok(None), sent);
        };
        match g.error_code {
            0 => {}
            GROUP_ID_NOT_FOUND => return (Ok(None), sent),
            // NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE: look it up again next time.
            14..=16 => {
                self.coordinators.remove(group);
                return (Err(format!("coordinator error {}", g.error_code)), sent);
            }
            code => return (Err(format!("ConsumerGroupDescribe error {code}")), sent),
        }
        let parts = |a: &kafka_protocol::messages::consumer_group_describe_response::Assignment| {
            a.topic_partitions
                .iter()
                .map(|tp| {
                    let mut ps = tp.partitions.clone();
                    ps.sort();
                    (tp.topic_name.as_str().to_string(), ps)
                })
                .collect::<Vec<_>>()
        };
        let group_types = types.into_iter().next().unwrap_or_default();
        let mut members: Vec<MemberInfo> = g
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| MemberInfo {
                member_id: m.member_id.to_string(),
                client_id: m.client_id.to_string(),
                host: m.client_host.to_string(),
                assignment: parts(&m.assignment),
                subscription: m
                    .subscribed_topic_names
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect(),
                regex: m
                    .subscribed_topic_regex
                    .as_ref()
                    .filter(|r| !r.is_empty())
                    .map(|r| r.to_string()),
                epoch: Some(m.member_epoch),
                target: Some(parts(&m.target_assignment)),
                classic: group_types.get(i) == Some(&wire::member_type::CLASSIC),
            })
            .collect();
        members.sort_by(|a, b| (&a.client_id, &a.member_id).cmp(&(&b.client_id, &b.member_id)));
        let snapshot = GroupSnapshot {
            name: group.to_string(),
            state: g.group_state.to_string(),
            protocol: g.assignor_name.to_string(),
            members,
            consumer: Some(ConsumerProtocol {
                group_epoch: g.group_epoch,
                assignment_epoch: g.assignment_epoch,
            }),
        };
        (Ok(Some(snapshot)), sent)
    }
}
