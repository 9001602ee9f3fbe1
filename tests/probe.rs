//! The own client's probe says why a cluster cannot be reached (issue 22, item 3): a
//! plaintext broker answers; a TLS client on a plaintext listener, a plaintext client on
//! a TLS one and a port nothing listens on are each told apart.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use kafka_dash::kafka::client::ClientSettings;
use kafka_dash::kafka::diagnose::{Cause, Failure};
use kafka_dash::kafka::probe::probe;

const STEP: Duration = Duration::from_secs(2);

fn settings(bootstrap: &str, props: &[(&str, &str)]) -> ClientSettings {
    ClientSettings {
        bootstrap: bootstrap.to_string(),
        overrides: props
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

async fn probed(s: ClientSettings) -> Result<(), Failure> {
    tokio::task::spawn_blocking(move || probe(&s, STEP))
        .await
        .expect("probe thread")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plaintext_broker_answers_the_probe() {
    let b = common::broker().await;
    assert_eq!(probed(settings(&b.bootstrap(), &[])).await, Ok(()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tls_client_on_a_plaintext_listener_is_named() {
    let b = common::broker().await;
    let f = probed(settings(&b.bootstrap(), &[("security.protocol", "SSL")]))
        .await
        .unwrap_err();
    assert_eq!(f.cause, Cause::NotTls, "{f}");
    assert!(f.to_string().contains("does not speak TLS"), "{f}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plaintext_client_on_a_tls_listener_is_named() {
    // A listener answering whatever it reads with a TLS alert, as a TLS server does.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 64];
            let _ = s.read(&mut buf);
            let _ = s.write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32]);
        }
    });
    let f = probed(settings(&addr, &[])).await.unwrap_err();
    assert_eq!(f.cause, Cause::NeedsTls, "{f}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_port_nothing_listens_on_is_refused() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let f = probed(settings(&format!("127.0.0.1:{port}"), &[]))
        .await
        .unwrap_err();
    assert_eq!(f.cause, Cause::Refused, "{f}");
}

/// Settings that are wrong are said; settings librdkafka can use and the own client
/// cannot (Kerberos, unsecured JWTs) leave librdkafka's own outcome standing.
#[tokio::test(flavor = "multi_thread")]
async fn wrong_settings_are_named_and_settings_beyond_the_own_client_are_not() {
    let sasl = |extra: &[(&'static str, &'static str)]| {
        let mut p = vec![("security.protocol", "SASL_PLAINTEXT")];
        p.extend_from_slice(extra);
        settings("127.0.0.1:1", &p)
    };
    let f = probed(sasl(&[
        ("sasl.mechanism", "PLAIN"),
        ("sasl.username", "alice"),
    ]))
    .await
    .unwrap_err();
    assert!(f.to_string().contains("needs sasl.password"), "{f}");
    for beyond in [
        &[("sasl.mechanism", "GSSAPI")][..],
        &[("sasl.mechanism", "OAUTHBEARER")][..],
    ] {
        assert_eq!(probed(sasl(beyond)).await, Ok(()), "{beyond:?}");
    }
}
