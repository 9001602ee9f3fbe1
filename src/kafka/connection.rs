//! One connection of the dashboard's own protocol client to one broker, opened as the
//! user's security settings say — TCP, then TLS, then ApiVersions, then SASL — each step
//! timed out and each failure told apart as a [`Cause`]; and the framed request/response
//! exchange over it (blocking: worker threads only).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use kafka_protocol::messages::{ApiKey, ApiVersionsRequest, ApiVersionsResponse};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion};
use openssl::ssl::SslStream;

use crate::kafka::client::ClientSettings;
use crate::kafka::diagnose::{Cause, Failure};
use crate::kafka::security::oidc::TokenSource;
use crate::kafka::security::settings::{SaslSettings, Security};
use crate::kafka::security::{sasl, tls};
use crate::kafka::wire::{decode_response, encode_request};

/// Largest response read (a bigger size is a broken or foreign stream).
const MAX_RESPONSE: i32 = 64 << 20;

/// A TCP stream, in TLS or not.
enum Stream {
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

/// Opens connections with the user's security settings (parsed, certificates loaded and
/// token source made once).
#[derive(Debug)]
pub struct Connector {
    security: Security,
    tls: Option<Arc<tls::Tls>>,
    tokens: Option<TokenSource>,
    timeout: Duration,
    client_id: &'static str,
}

impl Connector {
    /// A connector for these client settings; each step of a connection waits `timeout`
    /// at most. Fails on settings it cannot use (the message names the setting, never a
    /// secret).
    pub fn new(settings: &ClientSettings, timeout: Duration) -> Result<Connector, String> {
        let security = Security::from_properties(&settings.overrides)?;
        let tls = security
            .tls
            .as_ref()
            .map(|t| tls::Tls::new(t).map(Arc::new))
            .transpose()?;
        let tokens = match &security.sasl {
            Some(SaslSettings::OAuthBearer(o)) => {
                let ca = security
                    .tls
                    .as_ref()
                    .and_then(|t| t.ca_location.as_ref())
                    .filter(|p| p.is_file())
                    .and_then(|p| std::fs::read(p).ok());
                Some(TokenSource::new(o.clone(), ca.as_deref(), timeout)?)
            }
            _ => None,
        };
        Ok(Connector {
            security,
            tls,
            tokens,
            timeout,
            client_id: crate::kafka::client::WATCHER_CLIENT_ID,
        })
    }

    /// The same connector sending another client id (the probe's requests are told
    /// from the watcher's).
    pub fn with_client_id(mut self, client_id: &'static str) -> Connector {
        self.client_id = client_id;
        self
    }

    /// The settings this connector uses.
    pub fn security(&self) -> &Security {
        &self.security
    }

    /// The OIDC token source, when the mechanism is OAUTHBEARER.
    pub fn tokens(&self) -> Option<&TokenSource> {
        self.tokens.as_ref()
    }

    /// A connection to `addr` (host:port), authenticated; or why not.
    pub fn open(&self, addr: &str) -> Result<Conn, Failure> {
        let fail = |cause| Failure {
            addr: addr.to_string(),
            cause,
        };
        let tcp = self.tcp(addr).map_err(fail)?;
        let stream = match &self.tls {
            Some(t) => Stream::Tls(Box::new(t.connect(host_of(addr), tcp).map_err(fail)?)),
            None => Stream::Plain(tcp),
        };
        let mut conn = Conn {
            stream,
            tls: self.tls.clone(),
            client_id: self.client_id,
            correlation: 0,
            api_versions: None,
        };
        conn.api_versions().map_err(fail)?;
        if let Some(s) = &self.security.sasl {
            sasl::authenticate(&mut conn, s, self.tokens.as_ref()).map_err(fail)?;
        }
        Ok(conn)
    }

    fn tcp(&self, addr: &str) -> Result<TcpStream, Cause> {
        let sock: SocketAddr = match addr.parse() {
            Ok(a) => a,
            Err(_) => addr
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
                .ok_or_else(|| Cause::Unresolvable(host_of(addr).to_string()))?,
        };
        let tcp = TcpStream::connect_timeout(&sock, self.timeout).map_err(|e| match e.kind() {
            io::ErrorKind::ConnectionRefused => Cause::Refused,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Cause::TimedOut("TCP connect"),
            _ => Cause::Other(e.to_string()),
        })?;
        let _ = tcp.set_nodelay(true);
        tcp.set_read_timeout(Some(self.timeout))
            .and_then(|()| tcp.set_write_timeout(Some(self.timeout)))
            .map_err(|e| Cause::Other(e.to_string()))?;
        Ok(tcp)
    }
}

/// The host of host:port (brackets of an IPv6 literal removed).
fn host_of(addr: &str) -> &str {
    let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
    host.trim_start_matches('[').trim_end_matches(']')
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
}

impl Conn {
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
    fn api_versions(&mut self) -> Result<(), Cause> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_taken_from_addresses() {
        assert_eq!(host_of("127.0.0.1:9093"), "127.0.0.1");
        assert_eq!(host_of("localhost:9093"), "localhost");
        assert_eq!(host_of("[::1]:9093"), "::1");
    }
}
