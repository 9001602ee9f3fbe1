//! Opens the dashboard's own protocol client's connections as the user's security
//! settings say — TCP, then TLS, then ApiVersions, then SASL — each step timed out and
//! each failure told apart as a [`Cause`].

use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use crate::kafka::client::ClientSettings;
use crate::kafka::connection::{Conn, Stream};
use crate::kafka::diagnose::{Cause, Failure};
use crate::kafka::security::oidc::TokenSource;
use crate::kafka::security::settings::{SaslSettings, Security};
use crate::kafka::security::{sasl, tls};

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
        let mut conn = Conn::new(stream, self.tls.clone(), self.client_id);
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
