//! A small Kafka protocol client for what librdkafka does not expose: ConsumerGroupDescribe
//! (KIP-848 groups' epochs, target assignments and member types), over connections opened
//! with the user's security settings (src/kafka/connector.rs).

use std::collections::HashMap;
use std::time::Duration;

use kafka_protocol::messages::{
    ApiKey, ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse, FindCoordinatorRequest,
    FindCoordinatorResponse, GroupId,
};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, StrBytes};

use crate::kafka::client::ClientSettings;
use crate::kafka::connection::ExchangeError;
use crate::kafka::connector::Connector;
use crate::kafka::frame::{after_header, decode_body};
use crate::kafka::model::{ConsumerProtocol, GroupSnapshot, MemberInfo};

/// GROUP_ID_NOT_FOUND: the group does not exist, or is a classic group.
const GROUP_ID_NOT_FOUND: i16 = 69;

/// One connection, with what the describer learned of its broker.
struct Conn {
    conn: crate::kafka::connection::Conn,
    /// Whether a ConsumerGroupDescribe went through on it: a close after that is a
    /// dropped connection, not a broker refusing the API.
    answered: bool,
}

impl Conn {
    fn call<Req, Resp>(&mut self, key: ApiKey, version: i16, req: &Req) -> Result<Resp, String>
    where
        Req: Encodable + HeaderVersion,
        Resp: Decodable + HeaderVersion,
    {
        self.conn.call(key, version, req).map_err(|e| e.to_string())
    }

    /// The ConsumerGroupDescribe version this broker takes (1 at most), from the
    /// ApiVersions answer the connection opened with.
    fn describe_version(&self) -> Option<i16> {
        self.conn
            .max_version(ApiKey::ConsumerGroupDescribe)
            .map(|v| v.min(1))
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
        let body = self
            .conn
            .send(ApiKey::ConsumerGroupDescribe, version, 0, req)
            .map_err(|e: ExchangeError| e.to_string())?;
        let body = after_header(body, 1, self.conn.correlation())?;
        let (v0, types) = wire::member_type::decode_v1(&body)?;
        Ok((decode_body(v0, 0)?, types))
    }
}

/// Reads KIP-848 groups with ConsumerGroupDescribe, keeping connections and coordinators.
pub struct GroupDescriber {
    bootstrap: Vec<String>,
    coordinators: HashMap<String, String>,
    conns: HashMap<String, Conn>,
    /// Opens connections as the user's security settings say.
    connector: Connector,
    /// Requests each new connection costs before the first of ours (ApiVersions, and
    /// SASL's handshake and rounds).
    opening_cost: u32,
    /// Requests spent opening connections since the last `describe` returned.
    opened: u32,
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
    /// A describer for the cluster these settings name, connecting with their security
    /// settings; each step of a connection waits `timeout` at most. Fails on security
    /// settings the own client cannot use.
    pub fn new(settings: &ClientSettings, timeout: Duration) -> Result<GroupDescriber, String> {
        let connector = Connector::new(settings, timeout)?;
        let sasl_rounds = match connector.security().sasl.as_ref().map(|s| s.mechanism()) {
            None => 0,
            Some(m) if m.starts_with("SCRAM") => 3,
            Some(_) => 2,
        };
        Ok(GroupDescriber {
            bootstrap: settings
                .bootstrap
                .split(',')
                .map(|s| s.trim().to_string())
                .collect(),
            coordinators: HashMap::new(),
            conns: HashMap::new(),
            connector,
            opening_cost: 1 + sasl_rounds,
            opened: 0,
            unsupported: false,
        })
    }

    fn conn(&mut self, addr: &str) -> Result<&mut Conn, String> {
        if self
            .conns
            .get(addr)
            .is_some_and(|c| c.conn.session_ending())
        {
            self.conns.remove(addr);
        }
        if !self.conns.contains_key(addr) {
            self.opened += self.opening_cost;
            let conn = self.connector.open(addr).map_err(|f| f.to_string())?;
            self.conns.insert(
                addr.to_string(),
                Conn {
                    conn,
                    answered: false,
                },
            );
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
        let (result, sent) = self.describe_counting(group);
        (result, sent + std::mem::take(&mut self.opened))
    }

    /// `describe` without the requests spent opening connections.
    fn describe_counting(&mut self, group: &str) -> (Result<Option<GroupSnapshot>, String>, u32) {
        if self.unsupported {
            return (Ok(None), 0);
        }
        let (addr, found) = match self.coordinator(group) {
            Ok(a) => a,
            Err(e) => return (Err(e), 1),
        };
        let sent = 1 + u32::from(found);
        let req = ConsumerGroupDescribeRequest::default()
            .with_group_ids(vec![GroupId(StrBytes::from_string(group.to_string()))]);
        let answer = self.conn(&addr).and_then(|c| match c.describe_version() {
            Some(v) => c.describe(v, &req).map(Some),
            None => Ok(None),
        });
        let (resp, types) = match answer {
            Ok(Some(r)) => {
                if let Some(c) = self.conns.get_mut(&addr) {
                    c.answered = true;
                }
                r
            }
            Ok(None) => {
                self.unsupported = true;
                return (Ok(None), sent);
            }
            Err(e) => {
                // A broker that does not know the API closes the connection at once; one
                // that answered before dropped it (an idle or session timeout).
                let answered_before = self.conns.remove(&addr).is_some_and(|c| c.answered);
                self.coordinators.remove(group);
                if e.contains("closed the connection") && !answered_before {
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
