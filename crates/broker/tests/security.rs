//! The broker's guarded listeners, spoken to with raw frames as a client would: TLS with
//! OpenSSL's client, SASL PLAIN and SCRAM exchanges with Kafka's answers to bad
//! passwords, unknown mechanisms and early requests, KIP-368 re-authentication, and
//! ACLs applied to the principal a connection authenticated as.

use std::pin::Pin;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use kafka_protocol::messages::*;
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, StrBytes};
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use wire::scram::{Mechanism as Hash, ScramClient};

use broker::{Broker, BrokerConfig, ListenerSpec, SecurityProtocol, User};

const WAIT: Duration = Duration::from_secs(5);
const SASL_AUTHENTICATION_FAILED: i16 = 58;
const UNSUPPORTED_SASL_MECHANISM: i16 = 33;
const ILLEGAL_SASL_STATE: i16 = 34;
const TOPIC_AUTHORIZATION_FAILED: i16 = 29;

fn listener(spec: &str) -> ListenerSpec {
    spec.parse().unwrap()
}

fn users() -> Vec<User> {
    ["admin:admin-secret", "alice:alice-secret", "bob:bob-secret"]
        .iter()
        .map(|u| u.parse().unwrap())
        .collect()
}

/// A broker with a PLAINTEXT, a SASL_PLAINTEXT and a SASL_SSL listener and the test users.
async fn guarded(reauth: Option<Duration>) -> (Broker, tempdir::Dir) {
    let dir = tempdir::Dir::new();
    let mut config = BrokerConfig {
        listeners: vec![
            listener("PLAINTEXT://127.0.0.1:0"),
            listener("SASL_PLAINTEXT://127.0.0.1:0"),
            listener("SASL_SSL://127.0.0.1:0"),
            listener("SSL://127.0.0.1:0"),
        ],
        users: users(),
        reauth,
        ..BrokerConfig::default()
    };
    config.tls.ca_out = Some(dir.path("ca.pem"));
    let b = Broker::start(config).await.expect("broker starts");
    (b, dir)
}

fn addr(b: &Broker, p: SecurityProtocol) -> String {
    b.bootstrap_for(p).expect("listener").to_string()
}

/// One request and its response; `None` when the broker closed the connection instead.
async fn call<S, Req, Resp>(s: &mut S, key: ApiKey, version: i16, req: &Req) -> Option<Resp>
where
    S: AsyncRead + AsyncWrite + Unpin,
    Req: Encodable + HeaderVersion,
    Resp: Decodable + HeaderVersion,
{
    let mut buf = BytesMut::new();
    RequestHeader::default()
        .with_request_api_key(key as i16)
        .with_request_api_version(version)
        .with_correlation_id(11)
        .with_client_id(Some(StrBytes::from_static_str("security-test")))
        .encode(&mut buf, Req::header_version(version))
        .unwrap();
    req.encode(&mut buf, version).unwrap();
    let mut body = send_frame(s, &buf).await?;
    let header = ResponseHeader::decode(&mut body, Resp::header_version(version)).unwrap();
    assert_eq!(header.correlation_id, 11);
    Some(Resp::decode(&mut body, version).unwrap())
}

/// Sends a framed payload and reads one framed answer; `None` when closed.
async fn send_frame<S: AsyncRead + AsyncWrite + Unpin>(s: &mut S, payload: &[u8]) -> Option<Bytes> {
    let mut framed = Vec::with_capacity(payload.len() + 4);
    framed.put_i32(payload.len() as i32);
    framed.extend_from_slice(payload);
    s.write_all(&framed).await.ok()?;
    let mut len = [0u8; 4];
    let read = tokio::time::timeout(WAIT, s.read_exact(&mut len))
        .await
        .expect("answered or closed in time");
    read.ok()?;
    let mut body = vec![0u8; i32::from_be_bytes(len) as usize];
    s.read_exact(&mut body).await.ok()?;
    Some(Bytes::from(body))
}

async fn assert_closed<S: AsyncRead + Unpin>(s: &mut S) {
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(WAIT, s.read(&mut buf))
        .await
        .expect("closed in time");
    assert!(matches!(n, Ok(0) | Err(_)), "expected a close, got {n:?}");
}

async fn handshake<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    version: i16,
    mechanism: &str,
) -> Option<SaslHandshakeResponse> {
    let req =
        SaslHandshakeRequest::default().with_mechanism(StrBytes::from_string(mechanism.into()));
    call(s, ApiKey::SaslHandshake, version, &req).await
}

async fn authenticate<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    version: i16,
    token: Vec<u8>,
) -> Option<SaslAuthenticateResponse> {
    let req = SaslAuthenticateRequest::default().with_auth_bytes(token.into());
    call(s, ApiKey::SaslAuthenticate, version, &req).await
}

fn names(list: &[StrBytes]) -> Vec<&str> {
    list.iter().map(|s| s.as_str()).collect()
}

fn plain_token(user: &str, password: &str) -> Vec<u8> {
    format!("\0{user}\0{password}").into_bytes()
}

/// A whole SCRAM exchange through SaslAuthenticate; the last response.
async fn scram<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    hash: Hash,
    user: &str,
    password: &str,
) -> Option<SaslAuthenticateResponse> {
    let client = ScramClient::new(hash, user, password);
    let first = authenticate(s, 2, client.first_message()).await?;
    if first.error_code != 0 {
        return Some(first);
    }
    let (fin, client_final) = client.handle_server_first(&first.auth_bytes).unwrap();
    let last = authenticate(s, 2, client_final).await?;
    if last.error_code == 0 {
        fin.verify_server_final(&last.auth_bytes)
            .expect("the broker proves it knows the credential");
    }
    Some(last)
}

async fn metadata<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    topics: Option<&[&str]>,
) -> Option<MetadataResponse> {
    let req = MetadataRequest::default().with_topics(topics.map(|ts| {
        ts.iter()
            .map(|t| {
                metadata_request::MetadataRequestTopic::default()
                    .with_name(Some(TopicName(StrBytes::from_string(t.to_string()))))
            })
            .collect()
    }));
    call(s, ApiKey::Metadata, 9, &req).await
}

async fn connect(addr: &str) -> TcpStream {
    TcpStream::connect(addr).await.unwrap()
}

async fn tls_connect(
    addr: &str,
    ca: &std::path::Path,
    client_cert: Option<(&std::path::Path, &std::path::Path)>,
) -> Result<tokio_openssl::SslStream<TcpStream>, String> {
    let mut c = SslConnector::builder(SslMethod::tls_client()).unwrap();
    c.set_ca_file(ca).unwrap();
    c.set_verify(SslVerifyMode::PEER);
    if let Some((cert, key)) = client_cert {
        c.set_certificate_file(cert, openssl::ssl::SslFiletype::PEM)
            .unwrap();
        c.set_private_key_file(key, openssl::ssl::SslFiletype::PEM)
            .unwrap();
    }
    let ssl = c
        .build()
        .configure()
        .unwrap()
        .into_ssl("localhost")
        .unwrap();
    let mut s = tokio_openssl::SslStream::new(ssl, connect(addr).await).unwrap();
    Pin::new(&mut s)
        .connect()
        .await
        .map_err(|e| e.to_string())?;
    // TLS 1.3 reports a refused client certificate only on the first read.
    Ok(s)
}

#[tokio::test(flavor = "multi_thread")]
async fn metadata_names_the_listener_the_request_came_in_on() {
    let (b, dir) = guarded(None).await;
    assert_eq!(b.listeners().len(), 4);
    let plain = addr(&b, SecurityProtocol::Plaintext);
    let sasl = addr(&b, SecurityProtocol::SaslPlaintext);
    assert_eq!(b.bootstrap(), plain, "the first listener is the bootstrap");
    let port = |a: &str| a.rsplit(':').next().unwrap().parse::<i32>().unwrap();
    let md = metadata(&mut connect(&plain).await, None).await.unwrap();
    assert_eq!(md.brokers[0].port, port(&plain));
    let mut s = connect(&sasl).await;
    assert_eq!(handshake(&mut s, 1, "PLAIN").await.unwrap().error_code, 0);
    let ok = authenticate(&mut s, 2, plain_token("alice", "alice-secret"))
        .await
        .unwrap();
    assert_eq!(ok.error_code, 0);
    let md = metadata(&mut s, None).await.unwrap();
    assert_eq!(md.brokers[0].port, port(&sasl));
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_listeners_speak_tls_with_the_generated_ca() {
    let (b, dir) = guarded(None).await;
    let ssl = addr(&b, SecurityProtocol::Ssl);
    assert_eq!(b.generated_ca(), Some(dir.path("ca.pem").as_path()));
    let mut s = tls_connect(&ssl, &dir.path("ca.pem"), None).await.unwrap();
    let md = metadata(&mut s, None).await.expect("answered over TLS");
    assert_eq!(
        md.brokers[0].port.to_string(),
        ssl.rsplit(':').next().unwrap()
    );
    // A plaintext request on a TLS listener is not a Kafka conversation.
    let mut raw = connect(&ssl).await;
    assert!(metadata(&mut raw, None).await.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn sasl_ssl_authenticates_plain_and_both_scrams() {
    let (b, dir) = guarded(None).await;
    let sasl_ssl = addr(&b, SecurityProtocol::SaslSsl);
    for mech in ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] {
        let mut s = tls_connect(&sasl_ssl, &dir.path("ca.pem"), None)
            .await
            .unwrap();
        let hs = handshake(&mut s, 1, mech).await.unwrap();
        assert_eq!(hs.error_code, 0);
        assert_eq!(
            names(&hs.mechanisms),
            ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
        );
        let done = match Hash::from_name(mech) {
            Some(hash) => scram(&mut s, hash, "bob", "bob-secret").await.unwrap(),
            None => authenticate(&mut s, 2, plain_token("bob", "bob-secret"))
                .await
                .unwrap(),
        };
        assert_eq!(done.error_code, 0, "{mech}: {:?}", done.error_message);
        assert_eq!(
            done.session_lifetime_ms, 0,
            "no re-authentication asked for"
        );
        assert!(metadata(&mut s, None).await.is_some(), "{mech}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_credentials_get_kafkas_error_then_the_connection_closes() {
    let (b, _dir) = guarded(None).await;
    let sasl = addr(&b, SecurityProtocol::SaslPlaintext);
    for (user, password) in [("alice", "wrong"), ("nobody", "alice-secret")] {
        let mut s = connect(&sasl).await;
        handshake(&mut s, 1, "SCRAM-SHA-512").await.unwrap();
        let failed = scram(&mut s, Hash::Sha512, user, password).await.unwrap();
        assert_eq!(failed.error_code, SASL_AUTHENTICATION_FAILED);
        assert_eq!(
            failed.error_message.as_deref(),
            Some("Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512")
        );
        assert_closed(&mut s).await;

        let mut s = connect(&sasl).await;
        handshake(&mut s, 1, "PLAIN").await.unwrap();
        let failed = authenticate(&mut s, 1, plain_token(user, password))
            .await
            .unwrap();
        assert_eq!(failed.error_code, SASL_AUTHENTICATION_FAILED);
        assert_eq!(
            failed.error_message.as_deref(),
            Some("Authentication failed: Invalid username or password")
        );
        assert_closed(&mut s).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_mechanisms_and_early_requests_are_refused_as_kafka_does() {
    let (b, _dir) = guarded(None).await;
    let sasl = addr(&b, SecurityProtocol::SaslPlaintext);
    let mut s = connect(&sasl).await;
    let hs = handshake(&mut s, 1, "GSSAPI").await.unwrap();
    assert_eq!(hs.error_code, UNSUPPORTED_SASL_MECHANISM);
    assert_eq!(
        names(&hs.mechanisms),
        ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
    );
    assert_closed(&mut s).await;

    // ApiVersions is answered before authentication; Metadata closes the connection.
    let mut s = connect(&sasl).await;
    let versions: Option<ApiVersionsResponse> = call(
        &mut s,
        ApiKey::ApiVersions,
        3,
        &ApiVersionsRequest::default(),
    )
    .await;
    let keys: Vec<i16> = versions
        .unwrap()
        .api_keys
        .iter()
        .map(|k| k.api_key)
        .collect();
    assert!(keys.contains(&(ApiKey::SaslHandshake as i16)));
    assert!(keys.contains(&(ApiKey::SaslAuthenticate as i16)));
    assert!(metadata(&mut s, None).await.is_none());

    // On a PLAINTEXT listener a handshake is out of place.
    let mut s = connect(&addr(&b, SecurityProtocol::Plaintext)).await;
    let hs = handshake(&mut s, 1, "PLAIN").await.unwrap();
    assert_eq!(hs.error_code, ILLEGAL_SASL_STATE);
    let again = authenticate(&mut s, 2, plain_token("alice", "alice-secret"))
        .await
        .unwrap();
    assert_eq!(again.error_code, ILLEGAL_SASL_STATE);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_v0_handshake_takes_raw_sasl_frames() {
    let (b, _dir) = guarded(None).await;
    let mut s = connect(&addr(&b, SecurityProtocol::SaslPlaintext)).await;
    assert_eq!(handshake(&mut s, 0, "PLAIN").await.unwrap().error_code, 0);
    let reply = send_frame(&mut s, &plain_token("alice", "alice-secret")).await;
    assert_eq!(
        reply.as_deref(),
        Some(&[][..]),
        "an empty raw frame says success"
    );
    assert!(metadata(&mut s, None).await.is_some());

    let mut s = connect(&addr(&b, SecurityProtocol::SaslPlaintext)).await;
    handshake(&mut s, 0, "PLAIN").await.unwrap();
    assert!(send_frame(&mut s, &plain_token("alice", "nope"))
        .await
        .is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_stored_through_alter_user_scram_credentials_authenticate() {
    let (b, _dir) = guarded(None).await;
    let salt = b"carols-salt".to_vec();
    let salted = Hash::Sha256.salted_password("carol-secret", &salt, 8192);
    let upsert = alter_user_scram_credentials_request::ScramCredentialUpsertion::default()
        .with_name(StrBytes::from_static_str("carol"))
        .with_mechanism(Hash::Sha256.kafka_type())
        .with_iterations(8192)
        .with_salt(salt.into())
        .with_salted_password(salted.into());
    let req = AlterUserScramCredentialsRequest::default().with_upsertions(vec![upsert]);
    let mut admin = connect(&addr(&b, SecurityProtocol::Plaintext)).await;
    let altered: AlterUserScramCredentialsResponse =
        call(&mut admin, ApiKey::AlterUserScramCredentials, 0, &req)
            .await
            .unwrap();
    assert_eq!(altered.results[0].error_code, 0);

    let mut s = connect(&addr(&b, SecurityProtocol::SaslPlaintext)).await;
    handshake(&mut s, 1, "SCRAM-SHA-256").await.unwrap();
    let done = scram(&mut s, Hash::Sha256, "carol", "carol-secret")
        .await
        .unwrap();
    assert_eq!(done.error_code, 0, "{:?}", done.error_message);
    // Only the mechanism that was stored.
    let mut s = connect(&addr(&b, SecurityProtocol::SaslPlaintext)).await;
    handshake(&mut s, 1, "SCRAM-SHA-512").await.unwrap();
    let refused = scram(&mut s, Hash::Sha512, "carol", "carol-secret")
        .await
        .unwrap();
    assert_eq!(refused.error_code, SASL_AUTHENTICATION_FAILED);
}

/// Users given at start are described as Kafka describes users made at format time (both
/// SCRAM mechanisms); an empty user list means every user, as Kafka's tools send it.
#[tokio::test(flavor = "multi_thread")]
async fn users_given_at_start_are_described_with_both_scram_mechanisms() {
    let (b, _dir) = guarded(None).await;
    let mut admin = connect(&addr(&b, SecurityProtocol::Plaintext)).await;
    for users in [None, Some(Vec::new())] {
        let req = DescribeUserScramCredentialsRequest::default().with_users(users.clone());
        let described: DescribeUserScramCredentialsResponse =
            call(&mut admin, ApiKey::DescribeUserScramCredentials, 0, &req)
                .await
                .unwrap();
        let listed: Vec<(String, Vec<i8>)> = described
            .results
            .iter()
            .map(|r| {
                let mechs = r.credential_infos.iter().map(|c| c.mechanism).collect();
                (r.user.to_string(), mechs)
            })
            .collect();
        let names: Vec<&str> = listed.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"alice"), "users {users:?}: {listed:?}");
        assert!(
            listed.iter().all(|(_, m)| m == &vec![1, 2]),
            "users {users:?}: {listed:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn reauthentication_on_the_same_connection_keeps_it_open() {
    let (b, _dir) = guarded(Some(Duration::from_secs(3600))).await;
    let mut s = connect(&addr(&b, SecurityProtocol::SaslPlaintext)).await;
    handshake(&mut s, 1, "SCRAM-SHA-512").await.unwrap();
    let first = scram(&mut s, Hash::Sha512, "alice", "alice-secret")
        .await
        .unwrap();
    assert_eq!(first.session_lifetime_ms, 3_600_000);
    // KIP-368: a new handshake and exchange on the authenticated connection.
    assert_eq!(
        handshake(&mut s, 1, "SCRAM-SHA-512")
            .await
            .unwrap()
            .error_code,
        0
    );
    let again = scram(&mut s, Hash::Sha512, "alice", "alice-secret")
        .await
        .unwrap();
    assert_eq!(again.error_code, 0);
    assert_eq!(again.session_lifetime_ms, 3_600_000);
    assert!(metadata(&mut s, None).await.is_some());
    // Another principal may not take the connection over.
    handshake(&mut s, 1, "SCRAM-SHA-512").await.unwrap();
    let other = scram(&mut s, Hash::Sha512, "bob", "bob-secret")
        .await
        .unwrap();
    assert_eq!(other.error_code, SASL_AUTHENTICATION_FAILED);
    assert_closed(&mut s).await;
}

async fn allow_alice_to_read(b: &Broker, topic: &str) {
    let creation = create_acls_request::AclCreation::default()
        .with_resource_type(2)
        .with_resource_name(StrBytes::from_string(topic.into()))
        .with_resource_pattern_type(3)
        .with_principal(StrBytes::from_static_str("User:alice"))
        .with_host(StrBytes::from_static_str("*"))
        .with_operation(3)
        .with_permission_type(3);
    let req = CreateAclsRequest::default().with_creations(vec![creation]);
    let mut admin = connect(&addr(b, SecurityProtocol::Plaintext)).await;
    let created: CreateAclsResponse = call(&mut admin, ApiKey::CreateAcls, 2, &req).await.unwrap();
    assert_eq!(created.results[0].error_code, 0);
}

async fn as_user(b: &Broker, user: &str) -> TcpStream {
    let mut s = connect(&addr(b, SecurityProtocol::SaslPlaintext)).await;
    handshake(&mut s, 1, "PLAIN").await.unwrap();
    let password = format!("{user}-secret");
    let ok = authenticate(&mut s, 2, plain_token(user, &password))
        .await
        .unwrap();
    assert_eq!(ok.error_code, 0);
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn acls_apply_to_the_authenticated_principal() {
    let (b, _dir) = guarded(None).await;
    b.create_topic("guarded", 1).unwrap();
    allow_alice_to_read(&b, "guarded").await;
    let topic_error = |md: MetadataResponse| md.topics[0].error_code;
    let mut alice = as_user(&b, "alice").await;
    assert_eq!(
        topic_error(metadata(&mut alice, Some(&["guarded"])).await.unwrap()),
        0
    );
    let mut bob = as_user(&b, "bob").await;
    assert_eq!(
        topic_error(metadata(&mut bob, Some(&["guarded"])).await.unwrap()),
        TOPIC_AUTHORIZATION_FAILED
    );
    let listed = metadata(&mut bob, None).await.unwrap();
    assert!(listed
        .topics
        .iter()
        .all(|t| t.name.as_ref().map(|n| n.as_str()) != Some("guarded")));
    // The PLAINTEXT listener's clients are User:ANONYMOUS, not alice.
    let mut anon = connect(&addr(&b, SecurityProtocol::Plaintext)).await;
    assert_eq!(
        topic_error(metadata(&mut anon, Some(&["guarded"])).await.unwrap()),
        TOPIC_AUTHORIZATION_FAILED
    );
}

/// Temporary directories for CA files, removed when dropped.
mod tempdir {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU32, Ordering};

    static NEXT: AtomicU32 = AtomicU32::new(0);

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Self {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("kd-security-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Dir(dir)
        }

        pub fn path(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A CA and a client certificate it signed for `cn`, written as PEM files in `dir`:
/// (ca.pem, client.pem, client.key).
fn client_certificate(dir: &tempdir::Dir, cn: &str) -> [std::path::PathBuf; 3] {
    use openssl::asn1::Asn1Time;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::PKey;
    use openssl::x509::extension::BasicConstraints;
    use openssl::x509::{X509Name, X509};

    let key = || {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
    };
    let name = |cn: &str| {
        let mut n = X509Name::builder().unwrap();
        n.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
        n.build()
    };
    let cert = |subject: &str, issuer: &str, pubkey: &PKey<_>, signer: &PKey<_>, ca: bool| {
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_subject_name(&name(subject)).unwrap();
        b.set_issuer_name(&name(issuer)).unwrap();
        b.set_pubkey(pubkey).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::days_from_now(1).unwrap())
            .unwrap();
        if ca {
            b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
        }
        b.sign(signer, MessageDigest::sha256()).unwrap();
        b.build()
    };
    let (ca_key, client_key) = (key(), key());
    let ca = cert("test clients CA", "test clients CA", &ca_key, &ca_key, true);
    let client = cert(cn, "test clients CA", &client_key, &ca_key, false);
    let paths = [
        dir.path("clients-ca.pem"),
        dir.path("client.pem"),
        dir.path("client.key"),
    ];
    std::fs::write(&paths[0], ca.to_pem().unwrap()).unwrap();
    std::fs::write(&paths[1], client.to_pem().unwrap()).unwrap();
    std::fs::write(&paths[2], client_key.private_key_to_pem_pkcs8().unwrap()).unwrap();
    paths
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_certificate_names_the_principal_and_is_required() {
    let dir = tempdir::Dir::new();
    let [clients_ca, cert, key] = client_certificate(&dir, "kafka-dash-client");
    let mut config = BrokerConfig {
        listeners: vec![
            listener("PLAINTEXT://127.0.0.1:0"),
            listener("SSL://127.0.0.1:0"),
            listener("SASL_SSL://127.0.0.1:0"),
        ],
        users: users(),
        ..BrokerConfig::default()
    };
    config.tls.ca_out = Some(dir.path("ca.pem"));
    config.tls.client_ca = Some(clients_ca);
    config.tls.client_auth = broker::ClientAuth::Required;
    let b = Broker::start(config).await.unwrap();
    b.create_topic("guarded", 1).unwrap();
    let creation = create_acls_request::AclCreation::default()
        .with_resource_type(2)
        .with_resource_name(StrBytes::from_static_str("guarded"))
        .with_resource_pattern_type(3)
        .with_principal(StrBytes::from_static_str("User:kafka-dash-client"))
        .with_host(StrBytes::from_static_str("*"))
        .with_operation(8)
        .with_permission_type(3);
    let mut admin = connect(&addr(&b, SecurityProtocol::Plaintext)).await;
    let req = CreateAclsRequest::default().with_creations(vec![creation]);
    let created: CreateAclsResponse = call(&mut admin, ApiKey::CreateAcls, 2, &req).await.unwrap();
    assert_eq!(created.results[0].error_code, 0);

    let ssl = addr(&b, SecurityProtocol::Ssl);
    let mut s = tls_connect(&ssl, &dir.path("ca.pem"), Some((&cert, &key)))
        .await
        .unwrap();
    let md = metadata(&mut s, Some(&["guarded"])).await.unwrap();
    assert_eq!(
        md.topics[0].error_code, 0,
        "User:kafka-dash-client may describe it"
    );
    let mut anon = connect(&addr(&b, SecurityProtocol::Plaintext)).await;
    let md = metadata(&mut anon, Some(&["guarded"])).await.unwrap();
    assert_eq!(md.topics[0].error_code, TOPIC_AUTHORIZATION_FAILED);

    // Without a certificate the handshake (or, in TLS 1.3, the first read) fails.
    if let Ok(mut s) = tls_connect(&ssl, &dir.path("ca.pem"), None).await {
        assert!(metadata(&mut s, None).await.is_none());
    }
    // ssl.client.auth is the SSL listener's: SASL_SSL clients need no certificate.
    let sasl_ssl = addr(&b, SecurityProtocol::SaslSsl);
    let mut s = tls_connect(&sasl_ssl, &dir.path("ca.pem"), None)
        .await
        .unwrap();
    assert_eq!(handshake(&mut s, 1, "PLAIN").await.unwrap().error_code, 0);
    let ok = authenticate(&mut s, 2, plain_token("alice", "alice-secret"))
        .await
        .unwrap();
    assert_eq!(ok.error_code, 0);
}

/// Commits offset 0 of `topic` for `group` (a simple consumer's commit creates the group).
async fn commit<S: AsyncRead + AsyncWrite + Unpin>(s: &mut S, group: &str, topic: &str) {
    use offset_commit_request::{OffsetCommitRequestPartition, OffsetCommitRequestTopic};
    let req = OffsetCommitRequest::default()
        .with_group_id(GroupId(StrBytes::from_string(group.into())))
        .with_generation_id_or_member_epoch(-1)
        .with_topics(vec![OffsetCommitRequestTopic::default()
            .with_name(TopicName(StrBytes::from_string(topic.into())))
            .with_partitions(vec![OffsetCommitRequestPartition::default()
                .with_partition_index(0)
                .with_committed_offset(0)])]);
    let resp: OffsetCommitResponse = call(s, ApiKey::OffsetCommit, 2, &req).await.unwrap();
    assert_eq!(resp.topics[0].partitions[0].error_code, 0);
}

async fn listed_groups<S: AsyncRead + AsyncWrite + Unpin>(s: &mut S) -> Vec<String> {
    let resp: ListGroupsResponse = call(s, ApiKey::ListGroups, 2, &ListGroupsRequest::default())
        .await
        .unwrap();
    let mut ids: Vec<String> = resp.groups.iter().map(|g| g.group_id.to_string()).collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn list_groups_shows_only_the_groups_a_principal_may_describe() {
    // With --authorizer: nothing is allowed without an ACL, admin is a super user.
    let config = BrokerConfig {
        listeners: vec![listener("SASL_PLAINTEXT://127.0.0.1:0")],
        users: users(),
        authorizer: broker::AuthorizerConfig {
            deny_without_acl: true,
            super_users: vec!["User:admin".into()],
        },
        ..BrokerConfig::default()
    };
    let b = Broker::start(config).await.unwrap();
    b.create_topic("t", 1).unwrap();
    let mut admin = as_user(&b, "admin").await;
    commit(&mut admin, "g-alice", "t").await;
    commit(&mut admin, "g-other", "t").await;
    let creation = create_acls_request::AclCreation::default()
        .with_resource_type(3)
        .with_resource_name(StrBytes::from_static_str("g-alice"))
        .with_resource_pattern_type(3)
        .with_principal(StrBytes::from_static_str("User:alice"))
        .with_host(StrBytes::from_static_str("*"))
        .with_operation(8)
        .with_permission_type(3);
    let req = CreateAclsRequest::default().with_creations(vec![creation]);
    let created: CreateAclsResponse = call(&mut admin, ApiKey::CreateAcls, 2, &req).await.unwrap();
    assert_eq!(created.results[0].error_code, 0);
    // Describe on the cluster (a super user has it) lists every group.
    assert_eq!(listed_groups(&mut admin).await, ["g-alice", "g-other"]);
    assert_eq!(
        listed_groups(&mut as_user(&b, "alice").await).await,
        ["g-alice"]
    );
    assert!(listed_groups(&mut as_user(&b, "bob").await)
        .await
        .is_empty());
}

/// Kafka refuses 0.0.0.0 as an advertised address; so does the broker without
/// --advertised-host. Warnings name open listeners beyond loopback (not SSL with client
/// certificates required) and SASL listeners without users.
#[tokio::test(flavor = "multi_thread")]
async fn every_address_needs_an_advertised_host_and_open_listeners_are_warned_of() {
    let refused = Broker::start(BrokerConfig {
        listeners: vec![listener("PLAINTEXT://0.0.0.0:0")],
        ..BrokerConfig::default()
    })
    .await
    .expect_err("0.0.0.0 without --advertised-host is refused");
    assert!(
        refused.to_string().contains("--advertised-host"),
        "{refused}"
    );

    let dir = tempdir::Dir::new();
    let mut config = BrokerConfig {
        listeners: vec![
            listener("PLAINTEXT://0.0.0.0:0"),
            listener("SSL://0.0.0.0:0"),
            listener("SASL_PLAINTEXT://127.0.0.1:0"),
        ],
        advertised_host: Some("127.0.0.1".into()),
        ..BrokerConfig::default()
    };
    let [clients_ca, _, _] = client_certificate(&dir, "anyone");
    config.tls.ca_out = Some(dir.path("ca.pem"));
    config.tls.client_ca = Some(clients_ca);
    config.tls.client_auth = broker::ClientAuth::Required;
    let b = Broker::start(config).await.expect("broker starts");
    let warnings = b.warnings().join("\n");
    assert!(warnings.contains("PLAINTEXT://0.0.0.0"), "{warnings}");
    assert!(!warnings.contains("SSL://0.0.0.0"), "{warnings}");
    assert!(warnings.contains("no user is given"), "{warnings}");
}
