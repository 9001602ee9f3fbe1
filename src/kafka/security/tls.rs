//! TLS for the dashboard's own protocol client, with OpenSSL as librdkafka uses it: the
//! system's CAs unless `ssl.ca.location`/`ssl.ca.pem` name others, a client certificate
//! from PEM or a PKCS12 keystore, and the checks the user left on. A failed handshake is
//! told apart (untrusted, expired, wrong host, not TLS at all) for the status line.

use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{HandshakeError, SslConnector, SslMethod, SslStream, SslVerifyMode};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509Ref, X509VerifyResult, X509};

use super::settings::TlsSettings;
use crate::kafka::diagnose::Cause;

/// A TLS client set up once from the settings, for every connection.
pub struct Tls {
    connector: SslConnector,
    verify: bool,
    verify_host: bool,
    has_identity: bool,
    trust_source: String,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("verify_host", &self.verify_host)
            .finish_non_exhaustive()
    }
}

fn read(path: &std::path::Path, what: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))
}

impl Tls {
    /// The TLS client for these settings, or what is wrong with them (never a secret).
    pub fn new(s: &TlsSettings) -> Result<Tls, String> {
        let mut b = SslConnector::builder(SslMethod::tls_client()).map_err(|e| e.to_string())?;
        if s.ca_location.is_some() || s.ca_pem.is_some() {
            let mut store = X509StoreBuilder::new().map_err(|e| e.to_string())?;
            let mut pem = Vec::new();
            if let Some(p) = &s.ca_location {
                if p.is_dir() {
                    b.load_verify_locations(None, Some(p))
                        .map_err(|e| format!("ssl.ca.location={}: {e}", p.display()))?;
                } else {
                    pem.extend(read(p, "ssl.ca.location")?);
                    pem.push(b'\n');
                }
            }
            if let Some(text) = &s.ca_pem {
                pem.extend(text.as_bytes());
            }
            if !pem.is_empty() {
                let cas = X509::stack_from_pem(&pem)
                    .map_err(|_| "the CA certificates (ssl.ca.*) are not PEM".to_string())?;
                for ca in cas {
                    store.add_cert(ca).map_err(|e| e.to_string())?;
                }
                b.set_cert_store(store.build());
            }
        }
        if let Some((cert, chain, key)) = client_identity(s)? {
            b.set_certificate(&cert).map_err(|e| e.to_string())?;
            for c in chain {
                b.add_extra_chain_cert(c).map_err(|e| e.to_string())?;
            }
            b.set_private_key(&key).map_err(|e| e.to_string())?;
            b.check_private_key().map_err(|_| {
                "the client key does not belong to the client certificate".to_string()
            })?;
        }
        if !s.verify {
            b.set_verify(SslVerifyMode::NONE);
        }
        Ok(Tls {
            connector: b.build(),
            verify: s.verify,
            verify_host: s.verify && s.verify_host,
            has_identity: s.has_identity(),
            trust_source: s.trust_source(),
        })
    }

    /// The handshake over `tcp` with the broker at `host` (name or IP, as in the
    /// bootstrap list).
    pub fn connect(&self, host: &str, tcp: TcpStream) -> Result<SslStream<TcpStream>, Cause> {
        let mut config = self
            .connector
            .configure()
            .map_err(|e| Cause::Other(e.to_string()))?;
        config.set_verify_hostname(self.verify_host);
        // SNI only for names: an IP address in SNI is against RFC 6066.
        config.set_use_server_name_indication(host.parse::<std::net::IpAddr>().is_err());
        // The broker's names, kept from the check of its certificate: a failed handshake
        // no longer has the peer's certificate, and a host-name mismatch should say
        // which names it is for.
        let names = Arc::new(Mutex::new(Vec::new()));
        if self.verify {
            let seen = names.clone();
            config.set_verify_callback(SslVerifyMode::PEER, move |ok, ctx| {
                if ctx.error_depth() == 0 {
                    if let Some(cert) = ctx.current_cert() {
                        *seen.lock().unwrap_or_else(|e| e.into_inner()) = certificate_names(cert);
                    }
                }
                ok
            });
        }
        match config.connect(host, tcp) {
            Ok(s) => Ok(s),
            Err(HandshakeError::Failure(mid)) => {
                let verify = mid.ssl().verify_result();
                let names = std::mem::take(&mut *names.lock().unwrap_or_else(|e| e.into_inner()));
                Err(self.classify(verify, &mid.error().to_string(), host, names))
            }
            Err(HandshakeError::SetupFailure(e)) => Err(Cause::Other(e.to_string())),
            Err(HandshakeError::WouldBlock(_)) => Err(Cause::TimedOut("the TLS handshake")),
        }
    }

    /// The cause of a TLS error after the handshake (TLS 1.3 servers refuse a client
    /// certificate only then): a refused certificate when we sent none means one is
    /// required.
    pub fn cause_after_handshake(&self, detail: &str) -> Cause {
        tracing::warn!("TLS failed after the handshake: {detail}");
        match tls_error_cause(detail) {
            _ if detail == "closed" && !self.has_identity => Cause::ClientCertificateRequired,
            _ if detail == "closed" => Cause::ClientCertificateRejected,
            Cause::ClientCertificateRejected if !self.has_identity => {
                Cause::ClientCertificateRequired
            }
            other => other,
        }
    }

    fn classify(
        &self,
        verify: X509VerifyResult,
        detail: &str,
        host: &str,
        names: Vec<String>,
    ) -> Cause {
        tracing::warn!("TLS handshake with {host} failed: {detail} (verify: {verify})");
        match verify.as_raw() {
            0 => tls_error_cause(detail),
            // X509_V_ERR_CERT_NOT_YET_VALID, _HAS_EXPIRED
            9 => Cause::CertificateNotYetValid,
            10 => Cause::CertificateExpired,
            // X509_V_ERR_HOSTNAME_MISMATCH, _IP_ADDRESS_MISMATCH
            62 | 64 => Cause::HostMismatch {
                host: host.to_string(),
                names,
            },
            // Unknown issuer, self-signed, unverifiable leaf, untrusted chain.
            2 | 18 | 19 | 20 | 21 | 27 => Cause::UntrustedCertificate {
                trust: self.trust_source.clone(),
            },
            _ => Cause::CertificateRejected(verify.error_string().to_string()),
        }
    }
}

/// What an OpenSSL error in or just after the handshake means.
pub fn tls_error_cause(detail: &str) -> Cause {
    let d = detail.to_ascii_lowercase();
    if d.contains("wrong version number")
        || d.contains("packet length too long")
        || d.contains("unexpected eof")
        || d.contains("record layer failure")
        || d.contains("connection reset")
        || d.contains("broken pipe")
        || d.is_empty()
        || d.contains("unexpected_eof")
    {
        Cause::NotTls
    } else if d.contains("certificate required") || d.contains("handshake failure") {
        Cause::ClientCertificateRequired
    } else if d.contains("unknown ca") || d.contains("bad certificate") {
        Cause::ClientCertificateRejected
    } else {
        Cause::Other(format!("TLS failed: {detail}"))
    }
}

/// The DNS names and IP addresses a certificate is for (its SANs, else its CN).
fn certificate_names(cert: &X509Ref) -> Vec<String> {
    let mut names: Vec<String> = cert
        .subject_alt_names()
        .map(|sans| {
            sans.iter()
                .filter_map(|n| {
                    n.dnsname().map(str::to_string).or_else(|| {
                        n.ipaddress().and_then(|ip| match ip.len() {
                            4 => Some(
                                std::net::Ipv4Addr::from(<[u8; 4]>::try_from(ip).ok()?).to_string(),
                            ),
                            16 => Some(
                                std::net::Ipv6Addr::from(<[u8; 16]>::try_from(ip).ok()?)
                                    .to_string(),
                            ),
                            _ => None,
                        })
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        names.extend(
            cert.subject_name()
                .entries_by_nid(openssl::nid::Nid::COMMONNAME)
                .filter_map(|e| e.data().to_string().ok()),
        );
    }
    names
}

type Identity = (X509, Vec<X509>, PKey<Private>);

/// The client certificate (with its chain) and key, from PEM or a PKCS12 keystore.
fn client_identity(s: &TlsSettings) -> Result<Option<Identity>, String> {
    if let Some(p) = &s.keystore_location {
        let der = read(p, "ssl.keystore.location")?;
        let pass = s.keystore_password.as_ref().map_or("", |p| p.expose());
        let parsed = Pkcs12::from_der(&der)
            .and_then(|p12| p12.parse2(pass))
            .map_err(|_| {
                format!(
                    "cannot open the PKCS12 keystore {} (wrong ssl.keystore.password, or not PKCS12)",
                    p.display()
                )
            })?;
        let (Some(cert), Some(key)) = (parsed.cert, parsed.pkey) else {
            return Err(format!(
                "the keystore {} has no certificate with its key",
                p.display()
            ));
        };
        let chain = parsed
            .ca
            .map(|c| c.into_iter().collect())
            .unwrap_or_default();
        return Ok(Some((cert, chain, key)));
    }
    let cert_pem = match (&s.certificate_location, &s.certificate_pem) {
        (Some(p), _) => read(p, "ssl.certificate.location")?,
        (None, Some(text)) => text.clone().into_bytes(),
        (None, None) => return Ok(None),
    };
    let key_pem = match (&s.key_location, &s.key_pem) {
        (Some(p), _) => read(p, "ssl.key.location")?,
        (None, Some(text)) => text.expose().as_bytes().to_vec(),
        (None, None) => return Ok(None),
    };
    let mut certs = X509::stack_from_pem(&cert_pem)
        .map_err(|_| "the client certificate is not PEM".to_string())?
        .into_iter();
    let cert = certs
        .next()
        .ok_or_else(|| "the client certificate file holds no certificate".to_string())?;
    let key = match &s.key_password {
        Some(pass) => PKey::private_key_from_pem_passphrase(&key_pem, pass.expose().as_bytes()),
        None => PKey::private_key_from_pem(&key_pem),
    }
    .map_err(|_| {
        "cannot read the client key (not PEM, or a wrong or missing ssl.key.password)".to_string()
    })?;
    Ok(Some((cert, certs.collect(), key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_errors_are_told_apart() {
        assert_eq!(
            tls_error_cause("error:0A00010B:SSL routines::wrong version number"),
            Cause::NotTls
        );
        assert_eq!(
            tls_error_cause("unexpected EOF while reading"),
            Cause::NotTls
        );
        assert_eq!(
            tls_error_cause("error:0A00045C:SSL routines::tlsv13 alert certificate required"),
            Cause::ClientCertificateRequired
        );
        assert_eq!(
            tls_error_cause("error:0A000418:SSL routines::tlsv1 alert unknown ca"),
            Cause::ClientCertificateRejected
        );
    }

    #[test]
    fn unreadable_files_and_bad_keystore_passwords_are_named_without_secrets() {
        let missing = TlsSettings {
            ca_location: Some("/nonexistent/ca.pem".into()),
            ..TlsSettings::default()
        };
        assert!(Tls::new(&missing)
            .unwrap_err()
            .contains("/nonexistent/ca.pem"));
        let dir = std::env::temp_dir().join(format!("kd-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p12 = dir.join("not.p12");
        std::fs::write(&p12, b"not a keystore").unwrap();
        let bad = TlsSettings {
            keystore_location: Some(p12),
            keystore_password: Some(super::super::settings::Secret::new("hunter2")),
            ..TlsSettings::default()
        };
        let e = Tls::new(&bad).unwrap_err();
        assert!(e.contains("PKCS12") && !e.contains("hunter2"), "{e}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
