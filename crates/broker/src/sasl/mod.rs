//! A connection's authentication as Kafka's SaslServerAuthenticator runs it: on SASL
//! listeners only ApiVersions and SaslHandshake (v0/v1) are taken before the client has
//! authenticated; SaslAuthenticate (v0–v2) or, after a v0 handshake, raw SASL frames carry
//! the mechanism's tokens; a failure is answered and the connection closed; KIP-368
//! re-authentication starts with a new handshake on the authenticated connection.

mod plain;
mod scram;

pub(crate) use scram::credential_for;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::{
    ApiKey, RequestHeader, SaslAuthenticateRequest, SaslAuthenticateResponse, SaslHandshakeRequest,
    SaslHandshakeResponse,
};
use kafka_protocol::protocol::Decodable;

use crate::handlers::{encode, sb, Outcome};
use crate::listener::SecurityProtocol;
use crate::Shared;

/// What one step of a mechanism came to.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send this challenge and wait for the client's next token.
    Continue(Vec<u8>),
    /// Authenticated as `principal`; `reply` is the last server message.
    Done {
        /// `User:<name>`.
        principal: String,
        /// Sent to the client with the success.
        reply: Vec<u8>,
    },
    /// Refused, with the message Kafka gives.
    Fail(String),
}

/// A server-side SASL mechanism.
pub(crate) trait Mechanism: Send + Sync {
    /// The mechanism's name, as clients ask for it.
    fn name(&self) -> &'static str;
    /// Takes the client's next token.
    fn step(&mut self, shared: &Shared, token: &[u8]) -> Step;
}

fn mechanism(name: &str) -> Option<Box<dyn Mechanism>> {
    match name {
        "PLAIN" => Some(Box::new(plain::Plain)),
        _ => wire::scram::Mechanism::from_name(name)
            .filter(|m| m.name() == name)
            .map(|m| Box::new(scram::Scram::new(m)) as Box<dyn Mechanism>),
    }
}

enum State {
    /// Waiting for SaslHandshake (ApiVersions may come first).
    Handshake,
    /// Between handshake and success; `raw` after a v0 handshake.
    Authenticating { mech: Box<dyn Mechanism>, raw: bool },
    /// Requests go to the broker.
    Authenticated,
}

/// Where an exchange stands after the client's token.
enum Progress {
    /// Done; the mechanism's last message goes with the success.
    Authenticated(Vec<u8>),
    /// The mechanism's next challenge.
    Challenge(Vec<u8>),
    /// Refused, with Kafka's message.
    Refused(String),
}

/// What the connection does with a frame.
#[derive(Debug)]
pub(crate) enum Route {
    /// Not authentication's business: handle it as a request.
    Broker,
    /// Authentication answered (or closed).
    Done(Outcome),
}

/// One connection's authentication state and principal.
pub(crate) struct Session {
    state: State,
    principal: String,
    /// The mechanism the client authenticated with (re-authentication must keep it).
    authenticated_with: Option<&'static str>,
    /// When the session ends (KIP-368); a request after it closes the connection.
    expires_at: Option<Instant>,
    reauth: Option<Duration>,
    sasl: bool,
    /// What this listener offers, in the order handshakes list them.
    mechanisms: Arc<[&'static str]>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("principal", &self.principal)
            .finish_non_exhaustive()
    }
}

fn header_of(frame: &[u8]) -> Option<(i16, i16, i32)> {
    let b = frame.get(..8)?;
    Some((
        i16::from_be_bytes([b[0], b[1]]),
        i16::from_be_bytes([b[2], b[3]]),
        i32::from_be_bytes([b[4], b[5], b[6], b[7]]),
    ))
}

impl Session {
    /// A new connection's session: SASL listeners start unauthenticated; others start
    /// authenticated as `principal` (ANONYMOUS, or a client certificate's).
    pub fn new(
        protocol: SecurityProtocol,
        mechanisms: Arc<[&'static str]>,
        principal: String,
        reauth: Option<Duration>,
    ) -> Self {
        let sasl = protocol.sasl();
        Self {
            state: if sasl {
                State::Handshake
            } else {
                State::Authenticated
            },
            principal,
            authenticated_with: None,
            expires_at: None,
            reauth,
            sasl,
            mechanisms,
        }
    }

    /// The principal requests run as.
    pub fn principal(&self) -> &str {
        &self.principal
    }

    /// Decides what happens to `frame`, answering authentication's own requests.
    pub fn route(&mut self, shared: &Shared, frame: &Bytes, now: Instant) -> Route {
        if let State::Authenticating { raw: true, .. } = self.state {
            return Route::Done(self.raw_token(shared, frame, now));
        }
        let Some((key, version, corr)) = header_of(frame) else {
            return Route::Broker; // the handlers close short frames
        };
        let api = ApiKey::try_from(key).ok();
        if api.is_some_and(|a| !crate::handlers::is_supported(a, version)) {
            return Route::Broker; // the handlers close unadvertised versions
        }
        let authenticated = matches!(self.state, State::Authenticated);
        if authenticated
            && self.expires_at.is_some_and(|t| now >= t)
            && api != Some(ApiKey::SaslHandshake)
        {
            return Route::Done(Outcome::Close(
                "the SASL session expired without re-authentication".into(),
            ));
        }
        match (api, &self.state) {
            (Some(ApiKey::SaslHandshake), _) => {
                Route::Done(self.handshake(frame.clone(), version, corr))
            }
            (Some(ApiKey::SaslAuthenticate), State::Authenticating { .. }) => {
                Route::Done(self.authenticate(shared, frame.clone(), version, corr, now))
            }
            (Some(ApiKey::SaslAuthenticate), State::Authenticated) => {
                Route::Done(encode(corr, version, &illegal_authenticate(version)))
            }
            (Some(ApiKey::ApiVersions), _) | (_, State::Authenticated) => Route::Broker,
            (_, _) => Route::Done(Outcome::Close(format!(
                "Unexpected Kafka request of type {} during SASL {}",
                api.map_or_else(|| key.to_string(), |a| format!("{a:?}")),
                match self.state {
                    State::Handshake => "handshake",
                    _ => "authentication",
                }
            ))),
        }
    }

    fn handshake(&mut self, mut frame: Bytes, version: i16, corr: i32) -> Outcome {
        let Some(req) =
            decode_body::<SaslHandshakeRequest>(&mut frame, ApiKey::SaslHandshake, version)
        else {
            return Outcome::Close("malformed SaslHandshake request".into());
        };
        let reauthenticating = matches!(self.state, State::Authenticated);
        let mut resp = SaslHandshakeResponse::default()
            .with_mechanisms(self.mechanisms.iter().map(|m| sb(*m)).collect());
        if !self.sasl || (reauthenticating && self.reauth.is_none()) {
            // Kafka's KafkaApis answers a handshake it is not expecting this way.
            resp.error_code = ResponseError::IllegalSaslState.code();
            return encode(corr, version, &resp);
        }
        let wanted = req.mechanism.as_str();
        let same = self.authenticated_with.is_none_or(|m| m == wanted);
        let enabled = self.mechanisms.contains(&wanted);
        match mechanism(wanted).filter(|_| same && enabled) {
            Some(mech) => {
                self.state = State::Authenticating {
                    mech,
                    raw: version == 0,
                };
                encode(corr, version, &resp)
            }
            None => {
                resp.error_code = ResponseError::UnsupportedSaslMechanism.code();
                match encode(corr, version, &resp) {
                    Outcome::Respond(body) => Outcome::RespondThenClose(
                        body,
                        format!("client asked for SASL mechanism {wanted:?}, not enabled"),
                    ),
                    other => other,
                }
            }
        }
    }

    fn authenticate(
        &mut self,
        shared: &Shared,
        mut frame: Bytes,
        version: i16,
        corr: i32,
        now: Instant,
    ) -> Outcome {
        let Some(req) =
            decode_body::<SaslAuthenticateRequest>(&mut frame, ApiKey::SaslAuthenticate, version)
        else {
            return Outcome::Close("malformed SaslAuthenticate request".into());
        };
        let mut resp = SaslAuthenticateResponse::default();
        match self.step(shared, &req.auth_bytes, now) {
            Progress::Authenticated(reply) => {
                resp.auth_bytes = reply.into();
                if version >= 1 {
                    resp.session_lifetime_ms = self.reauth.map_or(0, |d| d.as_millis() as i64);
                }
                encode(corr, version, &resp)
            }
            Progress::Challenge(challenge) => {
                resp.auth_bytes = challenge.into();
                encode(corr, version, &resp)
            }
            Progress::Refused(message) => {
                resp.error_code = ResponseError::SaslAuthenticationFailed.code();
                resp.error_message = Some(sb(message.clone()));
                match encode(corr, version, &resp) {
                    Outcome::Respond(body) => Outcome::RespondThenClose(
                        body,
                        format!("SASL authentication failed: {message}"),
                    ),
                    other => other,
                }
            }
        }
    }

    /// A raw token after a v0 handshake: answered with a raw frame; failures close.
    fn raw_token(&mut self, shared: &Shared, token: &Bytes, now: Instant) -> Outcome {
        match self.step(shared, token, now) {
            Progress::Authenticated(reply) | Progress::Challenge(reply) => {
                Outcome::Respond(BytesMut::from(&reply[..]))
            }
            Progress::Refused(message) => {
                Outcome::Close(format!("SASL authentication failed: {message}"))
            }
        }
    }

    /// Runs the mechanism on the client's token and moves the session on.
    fn step(&mut self, shared: &Shared, token: &[u8], now: Instant) -> Progress {
        let State::Authenticating { mech, .. } = &mut self.state else {
            return Progress::Refused(
                "SaslAuthenticate request received before a handshake".into(),
            );
        };
        let name = mech.name();
        match mech.step(shared, token) {
            Step::Continue(challenge) => Progress::Challenge(challenge),
            Step::Fail(message) => Progress::Refused(message),
            Step::Done { principal, reply } => {
                if self.authenticated_with.is_some() && principal != self.principal {
                    return Progress::Refused(format!(
                        "Cannot change principals during re-authentication from {}: {principal}",
                        self.principal
                    ));
                }
                tracing::debug!(%principal, mechanism = name, "SASL authenticated");
                self.principal = principal;
                self.authenticated_with = Some(name);
                self.expires_at = self.reauth.map(|d| now + d);
                self.state = State::Authenticated;
                Progress::Authenticated(reply)
            }
        }
    }
}

/// Kafka's answer to SaslAuthenticate on an authenticated connection.
fn illegal_authenticate(_version: i16) -> SaslAuthenticateResponse {
    SaslAuthenticateResponse::default()
        .with_error_code(ResponseError::IllegalSaslState.code())
        .with_error_message(Some(sb(
            "SaslAuthenticate request received after successful authentication",
        )))
}

fn decode_body<T: Decodable>(frame: &mut Bytes, api: ApiKey, version: i16) -> Option<T> {
    RequestHeader::decode(frame, api.request_header_version(version)).ok()?;
    T::decode(frame, version).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::{MetadataRequest, RequestHeader};
    use kafka_protocol::protocol::{Encodable, HeaderVersion};

    fn frame<R: Encodable + HeaderVersion>(key: ApiKey, version: i16, body: &R) -> Bytes {
        let mut buf = BytesMut::new();
        RequestHeader::default()
            .with_request_api_key(key as i16)
            .with_request_api_version(version)
            .encode(&mut buf, R::header_version(version))
            .unwrap();
        body.encode(&mut buf, version).unwrap();
        buf.freeze()
    }

    fn session(mechanisms: &[&'static str], reauth: Option<Duration>) -> Session {
        Session::new(
            SecurityProtocol::SaslPlaintext,
            mechanisms.into(),
            ANON.into(),
            reauth,
        )
    }

    const ANON: &str = "User:ANONYMOUS";

    fn plain_login(s: &mut Session, shared: &Shared, now: Instant) {
        let hs = SaslHandshakeRequest::default().with_mechanism(sb("PLAIN"));
        let r = s.route(shared, &frame(ApiKey::SaslHandshake, 1, &hs), now);
        assert!(matches!(r, Route::Done(Outcome::Respond(_))), "{r:?}");
        let token = SaslAuthenticateRequest::default()
            .with_auth_bytes(Bytes::from_static(b"\0alice\0alice-secret"));
        let r = s.route(shared, &frame(ApiKey::SaslAuthenticate, 2, &token), now);
        assert!(matches!(r, Route::Done(Outcome::Respond(_))), "{r:?}");
        assert_eq!(s.principal(), "User:alice");
    }

    fn shared_with_alice() -> Shared {
        let config = crate::BrokerConfig {
            users: vec!["alice:alice-secret".parse().unwrap()],
            ..crate::BrokerConfig::default()
        };
        crate::Shared::new(config, "127.0.0.1:9092".parse().unwrap())
    }

    #[test]
    fn a_session_past_its_lifetime_closes_on_the_next_request_but_may_reauthenticate() {
        let shared = shared_with_alice();
        let start = Instant::now();
        let lifetime = Duration::from_secs(60);
        let metadata = frame(ApiKey::Metadata, 9, &MetadataRequest::default());
        let mut s = session(crate::listener::MECHANISMS, Some(lifetime));
        plain_login(&mut s, &shared, start);
        assert!(matches!(
            s.route(&shared, &metadata, start + lifetime / 2),
            Route::Broker
        ));
        let late = start + lifetime + Duration::from_millis(1);
        assert!(matches!(
            s.route(&shared, &metadata, late),
            Route::Done(Outcome::Close(_))
        ));
        // Re-authenticating first renews the session.
        let mut s = session(crate::listener::MECHANISMS, Some(lifetime));
        plain_login(&mut s, &shared, start);
        plain_login(&mut s, &shared, late);
        assert!(matches!(s.route(&shared, &metadata, late), Route::Broker));
    }

    #[test]
    fn only_the_listeners_mechanisms_are_offered() {
        let shared = shared_with_alice();
        let mut s = session(&["SCRAM-SHA-512"], None);
        let hs = SaslHandshakeRequest::default().with_mechanism(sb("PLAIN"));
        let r = s.route(
            &shared,
            &frame(ApiKey::SaslHandshake, 1, &hs),
            Instant::now(),
        );
        let Route::Done(Outcome::RespondThenClose(mut body, _)) = r else {
            panic!("{r:?}")
        };
        let body = body.split_off(4).freeze();
        let resp = SaslHandshakeResponse::decode(&mut body.clone(), 1).unwrap();
        assert_eq!(
            resp.error_code,
            ResponseError::UnsupportedSaslMechanism.code()
        );
        assert_eq!(resp.mechanisms, [sb("SCRAM-SHA-512")]);
    }
}
