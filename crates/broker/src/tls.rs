//! TLS for SSL and SASL_SSL listeners, on the system OpenSSL (the one librdkafka links,
//! so the dashboard carries one TLS stack): the server certificate from PEM files or a
//! generated throwaway CA and server certificate, client-certificate checking as
//! Kafka's `ssl.client.auth`, and the principal a client certificate names.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod, SslVerifyMode};
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
};
use openssl::x509::{X509Name, X509Ref, X509};

/// Kafka's `ssl.client.auth`: whether a client certificate is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// Not asked for.
    #[default]
    None,
    /// Asked for; a client without one still connects (as User:ANONYMOUS).
    Requested,
    /// A client without a trusted certificate is refused.
    Required,
}

impl std::str::FromStr for ClientAuth {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Self::None),
            "requested" => Ok(Self::Requested),
            "required" => Ok(Self::Required),
            _ => Err(format!(
                "unknown client auth {s:?} (required, requested or none)"
            )),
        }
    }
}

/// Where TLS listeners get their certificates.
#[derive(Debug, Clone, Default)]
pub struct TlsConfig {
    /// Server certificate chain (PEM); with `key`. Neither: a generated one.
    pub cert: Option<PathBuf>,
    /// The certificate's private key (PEM, unencrypted).
    pub key: Option<PathBuf>,
    /// Where a generated CA certificate is written for clients to trust.
    pub ca_out: Option<PathBuf>,
    /// CA certificates (PEM) that client certificates must chain to.
    pub client_ca: Option<PathBuf>,
    /// Kafka's `ssl.client.auth` for SSL listeners.
    pub client_auth: ClientAuth,
}

/// Why TLS could not be set up; says which file or setting is at fault.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// Only one of certificate and key was given.
    #[error(
        "--tls-cert and --tls-key go together (give both, or neither for a generated certificate)"
    )]
    Incomplete,
    /// Client certificates are asked for but nothing says which CA issues them.
    #[error(
        "--tls-client-auth {0} needs --tls-client-ca FILE (the CA that signs client certificates)"
    )]
    NoClientCa(&'static str),
    /// A file could not be read or is not what it should be.
    #[error("{what} {path}: {detail}")]
    File {
        /// Which setting the file came from.
        what: &'static str,
        /// The file.
        path: String,
        /// OpenSSL's or the system's complaint.
        detail: String,
    },
    /// OpenSSL refused to build a certificate or context.
    #[error("TLS setup failed: {0}")]
    Openssl(#[from] openssl::error::ErrorStack),
}

fn file_error(what: &'static str, path: &Path, detail: impl ToString) -> TlsError {
    TlsError::File {
        what,
        path: path.display().to_string(),
        detail: detail.to_string(),
    }
}

/// The acceptor for TLS listeners and, when one was generated, where its CA was written.
pub struct Tls {
    /// Accepts TLS connections on SSL listeners (client certificates as configured).
    pub acceptor: SslAcceptor,
    /// Accepts TLS connections on SASL_SSL listeners (no client certificate asked for).
    pub sasl_acceptor: SslAcceptor,
    /// The generated CA's file, when the certificate was generated.
    pub generated_ca: Option<PathBuf>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("generated_ca", &self.generated_ca)
            .finish_non_exhaustive()
    }
}

/// The default file a generated CA is written to.
pub fn default_ca_out() -> PathBuf {
    std::env::temp_dir().join(format!("kafka-dash-broker-{}-ca.pem", std::process::id()))
}

/// The server's certificate: files to load, or a generated chain and key.
enum Identity<'a> {
    Files(&'a Path, &'a Path),
    Generated(X509, X509, PKey<Private>),
}

fn builder(identity: &Identity<'_>) -> Result<openssl::ssl::SslAcceptorBuilder, TlsError> {
    let mut builder = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server())?;
    match identity {
        Identity::Files(cert, key) => {
            builder
                .set_certificate_chain_file(cert)
                .map_err(|e| file_error("--tls-cert", cert, e))?;
            builder
                .set_private_key_file(key, SslFiletype::PEM)
                .map_err(|e| file_error("--tls-key", key, e))?;
            builder
                .check_private_key()
                .map_err(|e| file_error("--tls-key", key, e))?;
        }
        Identity::Generated(ca, cert, key) => {
            builder.set_certificate(cert)?;
            builder.add_extra_chain_cert(ca.clone())?;
            builder.set_private_key(key)?;
        }
    }
    Ok(builder)
}

/// Builds the acceptors: given files, or a generated CA and a server certificate valid
/// for `hosts` (and 127.0.0.1, ::1, localhost). Client certificates are asked for on SSL
/// listeners only: Kafka's `ssl.client.auth` does not apply to SASL_SSL ones (KIP-684).
pub fn setup(config: &TlsConfig, hosts: &[IpAddr]) -> Result<Tls, TlsError> {
    let (identity, generated_ca) = match (&config.cert, &config.key) {
        (Some(cert), Some(key)) => (Identity::Files(cert, key), None),
        (None, None) => {
            let (ca, cert, key) = generate(hosts)?;
            let out = config.ca_out.clone().unwrap_or_else(default_ca_out);
            std::fs::write(&out, ca.to_pem()?).map_err(|e| file_error("--tls-ca-out", &out, e))?;
            (Identity::Generated(ca, cert, key), Some(out))
        }
        _ => return Err(TlsError::Incomplete),
    };
    let mut ssl = builder(&identity)?;
    set_client_auth(&mut ssl, config)?;
    Ok(Tls {
        acceptor: ssl.build(),
        sasl_acceptor: builder(&identity)?.build(),
        generated_ca,
    })
}

fn set_client_auth(
    builder: &mut openssl::ssl::SslAcceptorBuilder,
    config: &TlsConfig,
) -> Result<(), TlsError> {
    let mode = match config.client_auth {
        ClientAuth::None => return Ok(()),
        ClientAuth::Requested => SslVerifyMode::PEER,
        ClientAuth::Required => SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT,
    };
    let Some(ca) = &config.client_ca else {
        let name = match config.client_auth {
            ClientAuth::Required => "required",
            _ => "requested",
        };
        return Err(TlsError::NoClientCa(name));
    };
    builder
        .set_ca_file(ca)
        .map_err(|e| file_error("--tls-client-ca", ca, e))?;
    let pem = std::fs::read(ca).map_err(|e| file_error("--tls-client-ca", ca, e))?;
    let names = openssl::stack::Stack::new().and_then(|mut stack| {
        for cert in X509::stack_from_pem(&pem)? {
            stack.push(cert.subject_name().to_owned()?)?;
        }
        Ok(stack)
    })?;
    builder.set_client_ca_list(names);
    builder.set_verify(mode);
    Ok(())
}

/// The principal a client certificate names: `User:<CN>` (Kafka with
/// `ssl.principal.mapping.rules` taking the CN), or the whole subject when it has no CN.
pub fn principal_of(cert: &X509Ref) -> String {
    let subject = cert.subject_name();
    let cn = subject
        .entries_by_nid(Nid::COMMONNAME)
        .next()
        .and_then(|e| e.data().to_string().ok())
        .map(|s| s.to_string());
    match cn {
        Some(cn) => crate::principal::user(&cn),
        None => format!("User:{subject:?}"),
    }
}

fn new_key() -> Result<PKey<Private>, openssl::error::ErrorStack> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
    PKey::from_ec_key(EcKey::generate(&group)?)
}

fn name(cn: &str) -> Result<X509Name, openssl::error::ErrorStack> {
    let mut n = X509Name::builder()?;
    n.append_entry_by_nid(Nid::COMMONNAME, cn)?;
    Ok(n.build())
}

fn serial() -> Result<openssl::asn1::Asn1Integer, openssl::error::ErrorStack> {
    let mut bn = BigNum::new()?;
    bn.rand(120, MsbOption::MAYBE_ZERO, false)?;
    bn.to_asn1_integer()
}

/// A throwaway CA (valid a year) and a server certificate it signed for `hosts`.
fn generate(hosts: &[IpAddr]) -> Result<(X509, X509, PKey<Private>), TlsError> {
    let ca_key = new_key()?;
    let ca_name = name("kafka-dash embedded broker CA")?;
    let mut ca = X509::builder()?;
    ca.set_version(2)?;
    ca.set_serial_number(&*serial()?)?;
    ca.set_subject_name(&ca_name)?;
    ca.set_issuer_name(&ca_name)?;
    ca.set_pubkey(&ca_key)?;
    ca.set_not_before(&*Asn1Time::days_from_now(0)?)?;
    ca.set_not_after(&*Asn1Time::days_from_now(365)?)?;
    ca.append_extension(BasicConstraints::new().critical().ca().build()?)?;
    ca.append_extension(
        KeyUsage::new()
            .critical()
            .key_cert_sign()
            .crl_sign()
            .build()?,
    )?;
    ca.sign(&ca_key, MessageDigest::sha256())?;
    let ca = ca.build();

    let key = new_key()?;
    let mut cert = X509::builder()?;
    cert.set_version(2)?;
    cert.set_serial_number(&*serial()?)?;
    cert.set_subject_name(&*name("localhost")?)?;
    cert.set_issuer_name(ca.subject_name())?;
    cert.set_pubkey(&key)?;
    cert.set_not_before(&*Asn1Time::days_from_now(0)?)?;
    cert.set_not_after(&*Asn1Time::days_from_now(365)?)?;
    let mut san = SubjectAlternativeName::new();
    san.dns("localhost").ip("127.0.0.1").ip("::1");
    for h in hosts.iter().filter(|h| !h.is_unspecified()) {
        san.ip(&h.to_string());
    }
    let context = cert.x509v3_context(Some(&ca), None);
    let san = san.build(&context)?;
    cert.append_extension(san)?;
    cert.append_extension(ExtendedKeyUsage::new().server_auth().build()?)?;
    cert.sign(&ca_key, MessageDigest::sha256())?;
    Ok((ca, cert.build(), key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_is_signed_by_the_written_ca() {
        let dir = std::env::temp_dir().join(format!("kd-tls-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("ca.pem");
        let config = TlsConfig {
            ca_out: Some(out.clone()),
            ..TlsConfig::default()
        };
        let tls = setup(&config, &[]).unwrap();
        assert_eq!(tls.generated_ca.as_deref(), Some(out.as_path()));
        let written = X509::from_pem(&std::fs::read(&out).unwrap()).unwrap();
        assert!(written.verify(&written.public_key().unwrap()).unwrap());
        let (ca, cert, _) = generate(&["10.1.2.3".parse().unwrap()]).unwrap();
        assert!(cert.verify(&ca.public_key().unwrap()).unwrap());
        let ips: Vec<Vec<u8>> = cert
            .subject_alt_names()
            .unwrap()
            .iter()
            .filter_map(|n| n.ipaddress().map(<[u8]>::to_vec))
            .collect();
        assert!(ips.contains(&vec![127, 0, 0, 1]) && ips.contains(&vec![10, 1, 2, 3]));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn half_a_certificate_or_client_auth_without_a_ca_is_refused() {
        let half = TlsConfig {
            cert: Some("c.pem".into()),
            ..TlsConfig::default()
        };
        assert!(matches!(setup(&half, &[]), Err(TlsError::Incomplete)));
        let no_ca = TlsConfig {
            client_auth: ClientAuth::Required,
            ca_out: Some(std::env::temp_dir().join("kd-tls-test-noca.pem")),
            ..TlsConfig::default()
        };
        let err = setup(&no_ca, &[]).unwrap_err().to_string();
        assert!(err.contains("--tls-client-ca"), "{err}");
    }
}
