//! Listener specifications as Kafka writes them (`SASL_SSL://127.0.0.1:9093`): the
//! security protocol each listener speaks and the address it binds.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

/// Kafka's security protocols, one per listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecurityProtocol {
    /// No TLS, no authentication: every client is `User:ANONYMOUS`.
    Plaintext,
    /// TLS; a client certificate, when given, names the principal.
    Ssl,
    /// SASL without TLS.
    SaslPlaintext,
    /// SASL inside TLS.
    SaslSsl,
}

impl SecurityProtocol {
    /// Kafka's name of the protocol.
    pub fn name(self) -> &'static str {
        match self {
            Self::Plaintext => "PLAINTEXT",
            Self::Ssl => "SSL",
            Self::SaslPlaintext => "SASL_PLAINTEXT",
            Self::SaslSsl => "SASL_SSL",
        }
    }

    /// Whether connections are wrapped in TLS.
    pub fn tls(self) -> bool {
        matches!(self, Self::Ssl | Self::SaslSsl)
    }

    /// Whether clients must authenticate with SASL before anything else.
    pub fn sasl(self) -> bool {
        matches!(self, Self::SaslPlaintext | Self::SaslSsl)
    }
}

impl FromStr for SecurityProtocol {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_uppercase().as_str() {
            "PLAINTEXT" => Ok(Self::Plaintext),
            "SSL" => Ok(Self::Ssl),
            "SASL_PLAINTEXT" => Ok(Self::SaslPlaintext),
            "SASL_SSL" => Ok(Self::SaslSsl),
            _ => Err(format!(
                "unknown security protocol {s:?} (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL)"
            )),
        }
    }
}

impl fmt::Display for SecurityProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One listener: a protocol on an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerSpec {
    /// What the listener speaks.
    pub protocol: SecurityProtocol,
    /// Where it binds; port 0 picks a free one.
    pub addr: SocketAddr,
}

impl ListenerSpec {
    /// A plaintext listener (what `--listen ADDR` means).
    pub fn plaintext(addr: SocketAddr) -> Self {
        Self {
            protocol: SecurityProtocol::Plaintext,
            addr,
        }
    }
}

impl FromStr for ListenerSpec {
    type Err = String;

    /// `PROTOCOL://HOST:PORT`, HOST an IP address (`localhost` is read as 127.0.0.1,
    /// `[::1]` for IPv6).
    fn from_str(spec: &str) -> Result<Self, String> {
        let (proto, rest) = spec.split_once("://").ok_or_else(|| {
            format!(
                "listener {spec:?} is not PROTOCOL://HOST:PORT (e.g. SASL_SSL://127.0.0.1:9093)"
            )
        })?;
        let protocol = proto.parse()?;
        let rest = rest.replace("localhost:", "127.0.0.1:");
        let addr = rest.parse().map_err(|_| {
            format!(
                "listener {spec:?}: {rest:?} is not an IP address and port (e.g. 127.0.0.1:9093)"
            )
        })?;
        Ok(Self { protocol, addr })
    }
}

impl fmt::Display for ListenerSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.protocol, self.addr)
    }
}

/// The SASL mechanisms this broker can offer, in the order handshakes list them.
pub const MECHANISMS: &[&str] = &["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

/// The SASL mechanisms one listener protocol offers (Kafka's
/// `listener.name.<name>.sasl.enabled.mechanisms`), written `SASL_SSL=SCRAM-SHA-512,SCRAM-SHA-256`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MechanismSpec {
    /// The listeners of this protocol.
    pub protocol: SecurityProtocol,
    /// Their mechanisms, in the order handshakes list them.
    pub mechanisms: Vec<&'static str>,
}

impl FromStr for MechanismSpec {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, String> {
        let (proto, list) = spec
            .split_once('=')
            .ok_or_else(|| format!("{spec:?} is not PROTOCOL=MECHANISM[,MECHANISM]"))?;
        let protocol: SecurityProtocol = proto.parse()?;
        if !protocol.sasl() {
            return Err(format!("{protocol} listeners do not speak SASL"));
        }
        let mechanisms = list
            .split(',')
            .map(|m| {
                MECHANISMS
                    .iter()
                    .find(|known| known.eq_ignore_ascii_case(m.trim()))
                    .copied()
                    .ok_or_else(|| {
                        format!("unknown SASL mechanism {m:?} ({})", MECHANISMS.join(", "))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            protocol,
            mechanisms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mechanism_specs_name_a_sasl_protocol_and_known_mechanisms() {
        let m: MechanismSpec = "SASL_SSL=SCRAM-SHA-512,scram-sha-256".parse().unwrap();
        assert_eq!(m.protocol, SecurityProtocol::SaslSsl);
        assert_eq!(m.mechanisms, ["SCRAM-SHA-512", "SCRAM-SHA-256"]);
        assert!("SSL=PLAIN".parse::<MechanismSpec>().is_err());
        assert!("SASL_PLAINTEXT=GSSAPI"
            .parse::<MechanismSpec>()
            .unwrap_err()
            .contains("PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"));
    }

    #[test]
    fn specs_parse_as_kafka_writes_them() {
        let l: ListenerSpec = "SASL_SSL://127.0.0.1:9093".parse().unwrap();
        assert_eq!(l.protocol, SecurityProtocol::SaslSsl);
        assert_eq!(l.addr.port(), 9093);
        let l: ListenerSpec = "ssl://localhost:0".parse().unwrap();
        assert_eq!(l.to_string(), "SSL://127.0.0.1:0");
        let l: ListenerSpec = "PLAINTEXT://[::1]:9092".parse().unwrap();
        assert!(l.addr.is_ipv6());
        assert!("127.0.0.1:9092".parse::<ListenerSpec>().is_err());
        assert!("TLS://127.0.0.1:9092"
            .parse::<ListenerSpec>()
            .unwrap_err()
            .contains("SASL_SSL"));
        assert!("SSL://kafka:9092".parse::<ListenerSpec>().is_err());
    }
}
