//! The own client's SASL exchange (issue 22, item 2) against a fake broker that speaks
//! just enough Kafka — ApiVersions, SaslHandshake, SaslAuthenticate with the `wire`
//! crate's SCRAM server side, Metadata — so the right password passes, a wrong one or an
//! unknown user is named, and a mechanism the broker does not offer is named, without
//! a Kafka. (Against Kafka itself: tests/e2e/secure.sh.)

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use kafka_dash::kafka::client::ClientSettings;
use kafka_dash::kafka::diagnose::Cause;
use kafka_dash::kafka::probe::probe;
use kafka_protocol::messages::api_versions_response::ApiVersion;
use kafka_protocol::messages::{
    ApiKey, ApiVersionsResponse, MetadataResponse, RequestHeader, ResponseHeader,
    SaslAuthenticateRequest, SaslAuthenticateResponse, SaslHandshakeRequest, SaslHandshakeResponse,
};
use kafka_protocol::protocol::{Decodable, Encodable, StrBytes};
use wire::scram::{ClientFirst, Credential, Mechanism, ScramServer};

const MECH: Mechanism = Mechanism::Sha512;

/// A fake broker on a free port knowing user alice with `password` (SCRAM-SHA-512).
fn fake_broker(password: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            std::thread::spawn(move || serve(s, password));
        }
    });
    addr
}

fn respond<R: Encodable>(s: &mut TcpStream, key: ApiKey, version: i16, corr: i32, resp: &R) {
    let mut buf = BytesMut::new();
    ResponseHeader::default()
        .with_correlation_id(corr)
        .encode(&mut buf, key.response_header_version(version))
        .unwrap();
    resp.encode(&mut buf, version).unwrap();
    let _ = s.write_all(&(buf.len() as i32).to_be_bytes());
    let _ = s.write_all(&buf);
}

fn serve(mut s: TcpStream, password: &str) {
    let credential = Credential::generate(MECH, password);
    let mut scram: Option<ScramServer> = None;
    loop {
        let mut len = [0u8; 4];
        if s.read_exact(&mut len).is_err() {
            return;
        }
        let mut body = vec![0u8; i32::from_be_bytes(len) as usize];
        s.read_exact(&mut body).unwrap();
        let key = ApiKey::try_from(i16::from_be_bytes([body[0], body[1]])).unwrap();
        let version = i16::from_be_bytes([body[2], body[3]]);
        let mut b = Bytes::from(body);
        let header = RequestHeader::decode(&mut b, key.request_header_version(version)).unwrap();
        let corr = header.correlation_id;
        match key {
            ApiKey::ApiVersions => {
                let api = |k: ApiKey, max| {
                    ApiVersion::default()
                        .with_api_key(k as i16)
                        .with_max_version(max)
                };
                let resp = ApiVersionsResponse::default().with_api_keys(vec![
                    api(ApiKey::SaslHandshake, 1),
                    api(ApiKey::SaslAuthenticate, 2),
                    api(ApiKey::Metadata, 12),
                ]);
                respond(&mut s, key, version, corr, &resp);
            }
            ApiKey::SaslHandshake => {
                let req = SaslHandshakeRequest::decode(&mut b, version).unwrap();
                let offered = StrBytes::from_static_str("SCRAM-SHA-512");
                let code = if req.mechanism == offered { 0 } else { 33 };
                let resp = SaslHandshakeResponse::default()
                    .with_error_code(code)
                    .with_mechanisms(vec![offered]);
                respond(&mut s, key, version, corr, &resp);
            }
            ApiKey::SaslAuthenticate => {
                let req = SaslAuthenticateRequest::decode(&mut b, version).unwrap();
                let answer = match scram.take() {
                    None => ClientFirst::parse(&req.auth_bytes)
                        .ok()
                        .filter(|f| f.username == "alice")
                        .map(|f| {
                            let (server, first) = ScramServer::new(MECH, &f, credential.clone());
                            scram = Some(server);
                            first
                        }),
                    Some(server) => server.verify_client_final(&req.auth_bytes).ok(),
                };
                let resp = match answer {
                    Some(bytes) => SaslAuthenticateResponse::default().with_auth_bytes(Bytes::from(bytes)),
                    None => SaslAuthenticateResponse::default().with_error_code(58).with_error_message(Some(
                        StrBytes::from_static_str("Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"),
                    )),
                };
                respond(&mut s, key, version, corr, &resp);
            }
            ApiKey::Metadata => respond(&mut s, key, version, corr, &MetadataResponse::default()),
            _ => return,
        }
    }
}

fn sasl(addr: &str, mechanism: &str, user: &str, password: &str) -> ClientSettings {
    let props = [
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanism", mechanism),
        ("sasl.username", user),
        ("sasl.password", password),
    ];
    ClientSettings {
        bootstrap: addr.to_string(),
        overrides: props
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn probed(s: ClientSettings) -> Result<(), Cause> {
    probe(&s, Duration::from_secs(2)).map_err(|f| f.cause)
}

#[test]
fn scram_with_the_right_password_passes() {
    let addr = fake_broker("alice-secret");
    assert_eq!(
        probed(sasl(&addr, "SCRAM-SHA-512", "alice", "alice-secret")),
        Ok(())
    );
}

#[test]
fn a_wrong_password_and_an_unknown_user_are_named_without_the_password() {
    let addr = fake_broker("alice-secret");
    let s = sasl(&addr, "SCRAM-SHA-512", "alice", "wrong-secret");
    let f = probe(&s, Duration::from_secs(2)).unwrap_err();
    assert_eq!(
        f.cause,
        Cause::BadCredentials {
            user: "alice".into(),
            mechanism: "SCRAM-SHA-512".into()
        }
    );
    assert!(!f.to_string().contains("wrong-secret"), "{f}");
    assert_eq!(
        probed(sasl(&addr, "SCRAM-SHA-512", "mallory", "alice-secret")),
        Err(Cause::BadCredentials {
            user: "mallory".into(),
            mechanism: "SCRAM-SHA-512".into()
        })
    );
}

#[test]
fn a_mechanism_the_broker_does_not_offer_is_named() {
    let addr = fake_broker("alice-secret");
    assert_eq!(
        probed(sasl(&addr, "PLAIN", "alice", "alice-secret")),
        Err(Cause::MechanismNotEnabled {
            mechanism: "PLAIN".into(),
            enabled: vec!["SCRAM-SHA-512".into()]
        })
    );
}
