//! SASL for the dashboard's own protocol client: SaslHandshake, then SaslAuthenticate
//! rounds for PLAIN, SCRAM-SHA-256/512 (the `wire` crate's SCRAM) and OAUTHBEARER (a
//! token from the OIDC endpoint). Every refusal becomes a [`Cause`] in words.

use bytes::Bytes;
use kafka_protocol::messages::{
    ApiKey, SaslAuthenticateRequest, SaslAuthenticateResponse, SaslHandshakeRequest,
    SaslHandshakeResponse,
};
use kafka_protocol::protocol::StrBytes;
use wire::scram::{ScramClient, ScramError};

use super::oidc::{self, TokenSource};
use super::settings::SaslSettings;
use crate::kafka::connection::{Conn, ExchangeError};
use crate::kafka::diagnose::Cause;

/// UNSUPPORTED_SASL_MECHANISM.
const UNSUPPORTED_SASL_MECHANISM: i16 = 33;
/// ILLEGAL_SASL_STATE: SaslHandshake on a listener without SASL, among others.
const ILLEGAL_SASL_STATE: i16 = 34;
/// SASL_AUTHENTICATION_FAILED.
const SASL_AUTHENTICATION_FAILED: i16 = 58;

/// Authenticates `conn` with these settings.
pub fn authenticate(
    conn: &mut Conn,
    sasl: &SaslSettings,
    tokens: Option<&TokenSource>,
) -> Result<(), Cause> {
    handshake(conn, sasl.mechanism())?;
    match sasl {
        SaslSettings::Plain { username, password } => {
            let mut msg = Vec::with_capacity(username.len() + password.expose().len() + 2);
            msg.push(0);
            msg.extend(username.as_bytes());
            msg.push(0);
            msg.extend(password.expose().as_bytes());
            round(conn, msg)
                .map(drop)
                .map_err(|r| r.into_cause(|| bad_password(sasl, username)))
        }
        SaslSettings::Scram {
            mechanism,
            username,
            password,
        } => {
            let client = ScramClient::new(*mechanism, username, password.expose());
            let bad = || bad_password(sasl, username);
            let server_first =
                round(conn, client.first_message()).map_err(|r| r.into_cause(bad))?;
            let (fin, client_final) = client
                .handle_server_first(&server_first)
                .map_err(scram_cause)?;
            let server_final = round(conn, client_final).map_err(|r| r.into_cause(bad))?;
            fin.verify_server_final(&server_final).map_err(scram_cause)
        }
        SaslSettings::OAuthBearer(o) => {
            let source = tokens.ok_or_else(|| Cause::Other("no OIDC token source".into()))?;
            let token = source.token()?;
            let msg = oidc::client_message(token.value.expose(), &o.extensions);
            oauth_round(conn, msg).inspect_err(|_| source.forget())
        }
    }
}

fn bad_password(sasl: &SaslSettings, user: &str) -> Cause {
    Cause::BadCredentials {
        user: user.to_string(),
        mechanism: sasl.mechanism().to_string(),
    }
}

fn scram_cause(e: ScramError) -> Cause {
    match e {
        ScramError::InvalidServerSignature => Cause::Other(
            "the broker could not prove it knows our SCRAM credential (not the broker we meant?)"
                .into(),
        ),
        other => Cause::Other(other.to_string()),
    }
}

fn exchange(e: ExchangeError, step: &'static str) -> Cause {
    match e {
        ExchangeError::TimedOut => Cause::TimedOut(step),
        other => Cause::Other(format!("{step}: {other}")),
    }
}

/// SaslHandshake v1: does the listener take this mechanism?
fn handshake(conn: &mut Conn, mechanism: &str) -> Result<(), Cause> {
    let req = SaslHandshakeRequest::default()
        .with_mechanism(StrBytes::from_string(mechanism.to_string()));
    let resp: SaslHandshakeResponse =
        conn.call(ApiKey::SaslHandshake, 1, &req)
            .map_err(|e| match e {
                // A listener without SASL may just hang up on a handshake.
                ExchangeError::Closed => Cause::NotSasl,
                other => exchange(other, "SaslHandshake"),
            })?;
    match resp.error_code {
        0 => Ok(()),
        UNSUPPORTED_SASL_MECHANISM => Err(Cause::MechanismNotEnabled {
            mechanism: mechanism.to_string(),
            enabled: resp.mechanisms.iter().map(|m| m.to_string()).collect(),
        }),
        ILLEGAL_SASL_STATE => Err(Cause::NotSasl),
        code => Err(Cause::Other(format!("SaslHandshake error {code}"))),
    }
}

/// How a SaslAuthenticate round failed.
enum Refusal {
    /// SASL_AUTHENTICATION_FAILED, with the broker's message.
    Refused(String),
    /// Something else.
    Other(Cause),
}

impl Refusal {
    fn into_cause(self, refused: impl FnOnce() -> Cause) -> Cause {
        match self {
            Refusal::Refused(msg) => {
                tracing::warn!("SASL authentication refused: {msg}");
                refused()
            }
            Refusal::Other(c) => c,
        }
    }
}

/// One SaslAuthenticate v1 round: our bytes, the broker's answer.
fn round(conn: &mut Conn, bytes: Vec<u8>) -> Result<Bytes, Refusal> {
    let req = SaslAuthenticateRequest::default().with_auth_bytes(Bytes::from(bytes));
    let resp: SaslAuthenticateResponse = conn
        .call(ApiKey::SaslAuthenticate, 1, &req)
        .map_err(|e| Refusal::Other(exchange(e, "SaslAuthenticate")))?;
    match resp.error_code {
        0 => {
            conn.set_session_lifetime(resp.session_lifetime_ms);
            Ok(resp.auth_bytes)
        }
        SASL_AUTHENTICATION_FAILED => Err(Refusal::Refused(
            resp.error_message
                .map(|m| m.to_string())
                .unwrap_or_default(),
        )),
        code => Err(Refusal::Other(Cause::Other(format!(
            "SaslAuthenticate error {code}{}",
            resp.error_message
                .map(|m| format!(": {}", m.as_str()))
                .unwrap_or_default()
        )))),
    }
}

/// OAUTHBEARER's round: a refused token comes back as a JSON status the client
/// acknowledges with ^A before the broker fails the exchange (RFC 7628 §3.2.2).
fn oauth_round(conn: &mut Conn, msg: Vec<u8>) -> Result<(), Cause> {
    match round(conn, msg) {
        Ok(answer) if answer.is_empty() => Ok(()),
        Ok(answer) => {
            let status = String::from_utf8_lossy(&answer).to_string();
            let why = match round(conn, vec![0x01]) {
                Err(Refusal::Refused(m)) if !m.is_empty() => m,
                _ => status,
            };
            Err(Cause::TokenRejected(why))
        }
        Err(Refusal::Refused(m)) => Err(Cause::TokenRejected(m)),
        Err(Refusal::Other(c)) => Err(c),
    }
}
