//! One connection of the dashboard's own protocol client to one broker (opened by
//! src/kafka/connector.rs): the framed request/response exchange over it, plain or TLS,
//! and how an exchange failed (blocking: worker threads only).

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use kafka_protocol::messages::{ApiKey, ApiVersionsRequest, ApiVersionsResponse};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion};
use openssl::ssl::SslStream;

use crate::kafka::diagnose::Cause;
use crate::kafka::frame::{decode_response, encode_request};
use crate::kafka::security::tls;

/// Largest response read (a bigger size is a broken or foreign stream).
const MAX_RESPONSE: i32 = 64 << 20;

/// A TCP stream, in TLS or not.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<SslStream<TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// One open, authenticated connection.
pub struct Conn {
    stream: Stream,
    /// The TLS client the connection was made with, which explains TLS errors after
    /// the handshake.
    tls: Option<Arc<tls::Tls>>,
    client_id: &'static str,
    correlation: i32,
    /// What the broker answered to ApiVersions: (key, min, max) per API.
    api_versions: Option<Vec<(i16, i16, i16)>>,
    /// When to stop using this connection: a broker with `connections.max.reauth.ms`
    /// (KIP-368) closes it at the first request after its SASL session ends.
    renew_at: Option<Instant>,
}

impl Conn {
    /// A connection over `stream`, before ApiVersions.
    pub(crate) fn new(stream: Stream, tls: Option<Arc<tls::Tls>>, client_id: &'static str) -> Conn {
        Conn {
            stream,
            tls,
            client_id,
            correlation: 0,
            api_versions: None,
            renew_at: None,
        }
    }

    /// Notes the SASL session lifetime the broker granted (0: no limit). The connection
    /// is retired at nine tenths of it, as librdkafka re-authenticates, so no request
    /// meets a session that just ended.
    pub(crate) fn set_session_lifetime(&mut self, lifetime_ms: i64) {
        self.renew_at = (lifetime_ms > 0)
            .then(|| Instant::now() + Duration::from_millis(lifetime_ms as u64 * 9 / 10));
    }

    /// Whether the broker's SASL session is (nearly) over: open a new connection.
    pub fn session_ending(&self) -> bool {
        self.renew_at.is_some_and(|t| Instant::now() >= t)
    }

    /// The broker's highest version of `key`, if it knows the API.
    pub fn max_version(&self, key: ApiKey) -> Option<i16> {
        self.api_versions
            .as_ref()?
            .iter()
            .find(|(k, _, _)| *k == key as i16)
            .map(|(_, _, max)| *max)
    }

    /// ApiVersions, the first request on every connection: the broker's versions, and
    /// the first sign of a listener that speaks another protocol than we do.
    pub(crate) fn api_versions(&mut self) -> Result<(), Cause> {
        let resp: ApiVersionsResponse = self
            .call(ApiKey::ApiVersions, 0, &ApiVersionsRequest::default())
            .map_err(|e| self.first_read_cause(e))?;
        if resp.error_code != 0 {
            return Err(Cause::Other(format!(
                "ApiVersions error {}",
                resp.error_code
            )));
        }
        self.api_versions = Some(
            resp.api_keys
                .iter()
                .map(|k| (k.api_key, k.min_version, k.max_version))
                .collect(),
        );
        Ok(())
    }

    /// What a failed first exchange says about the listener.
    fn first_read_cause(&self, e: ExchangeError) -> Cause {
        match (e, &self.tls) {
            // The handshake went through, so the listener speaks TLS: a close now is the
            // broker's answer to our certificate (or its absence).
            (ExchangeError::Closed, Some(t)) => t.cause_after_handshake("closed"),
            (ExchangeError::Closed | ExchangeError::TlsRecord, None) => Cause::NeedsTls,
            (ExchangeError::TimedOut, _) => Cause::TimedOut("the first request, ApiVersions"),
            (ExchangeError::Io(detail), Some(t)) => t.cause_after_handshake(&detail),
            (ExchangeError::TlsRecord, Some(_)) => Cause::Other("a TLS record inside TLS".into()),
            (ExchangeError::Protocol(detail), _) | (ExchangeError::Io(detail), None) => {
                Cause::Other(detail)
            }
        }
    }

    /// Sends a request and reads its response.
    pub fn call<Req, Resp>(
        &mut self,
        key: ApiKey,
        version: i16,
        req: &Req,
    ) -> Result<Resp, ExchangeError>
    where
        Req: Encodable + HeaderVersion,
        Resp: Decodable + HeaderVersion,
    {
        let body = self.send(key, version, version, req)?;
        decode_response(body, version, self.correlation).map_err(ExchangeError::Protocol)
    }

    /// The correlation id of the last request sent.
    pub fn correlation(&self) -> i32 {
        self.correlation
    }

    /// Sends a request as `version` with a body written as `body_version` (the same
    /// layout); the response body, header included.
    pub fn send<Req>(
        &mut self,
        key: ApiKey,
        version: i16,
        body_version: i16,
        req: &Req,
    ) -> Result<Bytes, ExchangeError>
    where
        Req: Encodable + HeaderVersion,
    {
        self.correlation += 1;
        let mut framed = encode_request(key, body_version, self.correlation, self.client_id, req)
            .map_err(ExchangeError::Protocol)?;
        // The header's version field: bytes 6-7 (after the size and the API key).
        framed[6..8].copy_from_slice(&version.to_be_bytes());
        self.stream
            .write_all(&framed)
            .map_err(ExchangeError::from)?;
        let mut len = [0u8; 4];
        self.stream
            .read_exact(&mut len)
            .map_err(ExchangeError::from)?;
        // 0x15 / 0x16 and a TLS version: a TLS alert or handshake record, not Kafka.
        if matches!(len, [0x15 | 0x16, 0x03, 0..=4, _]) {
            return Err(ExchangeError::TlsRecord);
        }
        let len = i32::from_be_bytes(len);
        if !(0..=MAX_RESPONSE).contains(&len) {
            return Err(ExchangeError::Protocol(format!("response of {len} bytes")));
        }
        let mut body = vec![0u8; len as usize];
        self.stream
            .read_exact(&mut body)
            .map_err(ExchangeError::from)?;
        Ok(Bytes::from(body))
    }
}

/// How one request/response exchange failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeError {
    /// The broker closed the connection.
    Closed,
    /// No answer in time.
    TimedOut,
    /// The answer was a TLS record: the listener speaks TLS.
    TlsRecord,
    /// Another I/O error (TLS alerts among them).
    Io(String),
    /// The answer could not be read as Kafka's.
    Protocol(String),
}

impl From<io::Error> for ExchangeError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => ExchangeError::Closed,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ExchangeError::TimedOut,
            _ => ExchangeError::Io(e.to_string()),
        }
    }
}

impl std::fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExchangeError::Closed => write!(f, "the broker closed the connection"),
            ExchangeError::TimedOut => write!(f, "no answer in time"),
            ExchangeError::TlsRecord => write!(f, "the broker answered in TLS"),
            ExchangeError::Io(e) | ExchangeError::Protocol(e) => write!(f, "{e}"),
        }
    }
}
