//! The translation, key by key, and each error a user can cause.

use super::*;
use openssl::asn1::Asn1Time;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::stack::Stack;
use openssl::x509::{X509NameBuilder, X509};

/// A directory of its own for one test's files.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kd-cc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn java(text: &str) -> Result<Translated, String> {
    translate_java(&parse_java(text).unwrap(), Path::new("/base"))
}

fn prop<'a>(t: &'a Translated, key: &str) -> Option<&'a str> {
    t.properties
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// A self-signed certificate and its key.
fn cert(cn: &str) -> (X509, PKey<openssl::pkey::Private>) {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", cn).unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    (b.build(), key)
}

#[test]
fn java_syntax_comments_continuations_and_colons() {
    let t = java(
        "# a comment\n! another\nbootstrap.servers: b1:9092,\\\n    b2:9092\nsecurity.protocol = sasl_plaintext\nsasl.mechanism=PLAIN\n",
    )
    .unwrap();
    assert_eq!(t.bootstrap.as_deref(), Some("b1:9092,b2:9092"));
    assert_eq!(prop(&t, "security.protocol"), Some("SASL_PLAINTEXT"));
    assert_eq!(prop(&t, "sasl.mechanism"), Some("PLAIN"));
    assert!(t.ignored.is_empty(), "{:?}", t.ignored);
}

#[test]
fn plain_and_scram_logins_give_user_and_password() {
    for module in [
        "org.apache.kafka.common.security.plain.PlainLoginModule",
        "org.apache.kafka.common.security.scram.ScramLoginModule",
    ] {
        let t = java(&format!(
            "sasl.jaas.config={module} required username=\"alice\" password=\"a\\\\\"b;c\";\n"
        ))
        .unwrap();
        assert_eq!(prop(&t, "sasl.username"), Some("alice"));
        assert_eq!(prop(&t, "sasl.password"), Some("a\"b;c"), "{module}");
    }
}

#[test]
fn oauth_login_and_kafka_4_keys_give_oidc_settings() {
    let t = java(
        "sasl.mechanism=OAUTHBEARER\nsasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId=\"kafka-dash\" clientSecret=\"s3\" scope=\"kafka\";\nsasl.oauthbearer.token.endpoint.url=http://127.0.0.1:8080/token\nsasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler\n",
    )
    .unwrap();
    assert_eq!(prop(&t, "sasl.oauthbearer.client.id"), Some("kafka-dash"));
    assert_eq!(prop(&t, "sasl.oauthbearer.client.secret"), Some("s3"));
    assert_eq!(prop(&t, "sasl.oauthbearer.scope"), Some("kafka"));
    assert_eq!(prop(&t, "sasl.oauthbearer.method"), Some("oidc"));
    assert_eq!(
        prop(&t, "sasl.oauthbearer.token.endpoint.url"),
        Some("http://127.0.0.1:8080/token")
    );
    assert!(t.ignored.is_empty(), "{:?}", t.ignored);
    let t = java(
        "sasl.oauthbearer.client.credentials.client.id=cid\nsasl.oauthbearer.client.credentials.client.secret=cs\nsasl.oauthbearer.scope=s\n",
    )
    .unwrap();
    assert_eq!(prop(&t, "sasl.oauthbearer.client.id"), Some("cid"));
    assert_eq!(prop(&t, "sasl.oauthbearer.client.secret"), Some("cs"));
    assert_eq!(prop(&t, "sasl.oauthbearer.scope"), Some("s"));
}

#[test]
fn bad_jaas_and_unknown_login_modules_are_errors_without_the_secret() {
    let e = java(
        "sasl.jaas.config=org.x.PlainLoginModule required username=\"u\" password=\"hunter2\"\n",
    )
    .unwrap_err();
    assert!(e.contains("no ; at the end"), "{e}");
    assert!(!e.contains("hunter2"));
    let e = java(
        "sasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true;\n",
    )
    .unwrap_err();
    assert!(e.contains("Krb5LoginModule is not supported"), "{e}");
    let e = java("sasl.jaas.config=required;\n").unwrap_err();
    assert!(e.contains("control flag"), "{e}");
    let e = java("sasl.jaas.config=x.PlainLoginModule required password=\"p;\n").unwrap_err();
    assert!(e.contains("not closed") && !e.contains("p;"), "{e}");
    let e = java("sasl.jaas.config=x.PlainLoginModule required username=\"u\";\n").unwrap_err();
    assert!(e.contains("no password"), "{e}");
}

#[test]
fn unknown_keys_and_jaas_options_are_named_as_ignored() {
    let t = java("group.id=g\nclient.id=c\nsasl.jaas.config=x.ScramLoginModule required username=u password=p tokenauth=true;\n").unwrap();
    assert_eq!(
        t.ignored,
        vec!["sasl.jaas.config:tokenauth", "client.id", "group.id"]
    );
}

#[test]
fn endpoint_identification_empty_means_none() {
    let t = java("ssl.endpoint.identification.algorithm=\n").unwrap();
    assert_eq!(
        prop(&t, "ssl.endpoint.identification.algorithm"),
        Some("none")
    );
    let t = java("ssl.endpoint.identification.algorithm=HTTPS\n").unwrap();
    assert_eq!(
        prop(&t, "ssl.endpoint.identification.algorithm"),
        Some("https")
    );
}

#[test]
fn pem_stores_are_used_where_they_are() {
    let d = dir("pem");
    let (c, k) = cert("ca");
    std::fs::write(d.join("ca.pem"), c.to_pem().unwrap()).unwrap();
    let mut both = c.to_pem().unwrap();
    both.extend(k.private_key_to_pem_pkcs8().unwrap());
    std::fs::write(d.join("client.pem"), both).unwrap();
    let props = parse_java(
        "ssl.truststore.type=PEM\nssl.truststore.location=ca.pem\nssl.keystore.location=client.pem\nssl.key.password=kp\n",
    )
    .unwrap();
    let t = translate_java(&props, &d).unwrap();
    let ca = d.join("ca.pem").display().to_string();
    let client = d.join("client.pem").display().to_string();
    assert_eq!(prop(&t, "ssl.ca.location"), Some(ca.as_str()));
    assert_eq!(prop(&t, "ssl.certificate.location"), Some(client.as_str()));
    assert_eq!(prop(&t, "ssl.key.location"), Some(client.as_str()));
    assert_eq!(prop(&t, "ssl.key.password"), Some("kp"));
    let t = java("ssl.truststore.type=PEM\nssl.truststore.certificates=-----BEGIN CERTIFICATE-----\\nX\\n-----END CERTIFICATE-----\nssl.keystore.type=PEM\nssl.keystore.key=K\nssl.keystore.certificate.chain=C\n").unwrap();
    assert!(prop(&t, "ssl.ca.pem").unwrap().starts_with("-----BEGIN"));
    assert_eq!(prop(&t, "ssl.key.pem"), Some("K"));
    assert_eq!(prop(&t, "ssl.certificate.pem"), Some("C"));
}

#[test]
fn a_pkcs12_trust_store_becomes_pem_and_a_key_store_is_handed_to_librdkafka() {
    let d = dir("p12");
    let (ca, _) = cert("test-ca");
    let mut cas = Stack::new().unwrap();
    cas.push(ca.clone()).unwrap();
    let trust = Pkcs12::builder().ca(cas).build2("trustpw").unwrap();
    std::fs::write(d.join("trust.p12"), trust.to_der().unwrap()).unwrap();
    let (c, k) = cert("client");
    let keys = Pkcs12::builder()
        .name("client")
        .pkey(&k)
        .cert(&c)
        .build2("storepw")
        .unwrap();
    std::fs::write(d.join("client.p12"), keys.to_der().unwrap()).unwrap();
    let props = parse_java("ssl.truststore.location=trust.p12\nssl.truststore.password=trustpw\nssl.truststore.type=PKCS12\nssl.keystore.location=client.p12\nssl.keystore.password=storepw\nssl.key.password=storepw\n").unwrap();
    let t = translate_java(&props, &d).unwrap();
    assert_eq!(
        prop(&t, "ssl.ca.pem").unwrap(),
        String::from_utf8(ca.to_pem().unwrap()).unwrap()
    );
    let p12 = d.join("client.p12").display().to_string();
    assert_eq!(prop(&t, "ssl.keystore.location"), Some(p12.as_str()));
    assert_eq!(prop(&t, "ssl.keystore.password"), Some("storepw"));
    assert_eq!(
        prop(&t, "ssl.key.password"),
        None,
        "one password for a PKCS12 store"
    );
    // A wrong password says so, and does not repeat it.
    let props =
        parse_java("ssl.truststore.location=trust.p12\nssl.truststore.password=wrongpw\n").unwrap();
    let e = translate_java(&props, &d).unwrap_err();
    assert!(
        e.contains("does not open it") && !e.contains("wrongpw"),
        "{e}"
    );
}

#[test]
fn jks_stores_are_refused_with_the_command_that_converts_them() {
    let d = dir("jks");
    std::fs::write(d.join("trust.jks"), [0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]).unwrap();
    let props = parse_java("ssl.truststore.location=trust.jks\nssl.truststore.password=changeit\n")
        .unwrap();
    let e = translate_java(&props, &d).unwrap_err();
    assert!(e.contains("JKS"), "{e}");
    assert!(
        e.contains("keytool -importkeystore -srckeystore") && e.contains("-deststoretype PKCS12"),
        "{e}"
    );
    assert!(!e.contains("changeit"));
    let props = parse_java("ssl.keystore.location=trust.jks\nssl.keystore.type=JKS\n").unwrap();
    assert!(translate_java(&props, &d).unwrap_err().contains("keytool"));
}

#[test]
fn a_missing_file_is_named() {
    let e = load(Path::new("/nonexistent/client.properties"), Format::Java).unwrap_err();
    assert!(e.contains("/nonexistent/client.properties"), "{e}");
    let d = dir("missing-store");
    let props = parse_java("ssl.truststore.location=nope.p12\n").unwrap();
    let e = translate_java(&props, &d).unwrap_err();
    assert!(e.contains("nope.p12"), "{e}");
}

#[test]
fn kcat_files_are_librdkafka_properties_already() {
    let t = translate_kcat(
        "# kcat -F\nbootstrap.servers=b:9093\nsecurity.protocol=SASL_SSL\nsasl.mechanisms=SCRAM-SHA-512\nsasl.username=alice\nsasl.password=alice-secret\nhunter2\n",
    );
    assert_eq!(t.bootstrap.as_deref(), Some("b:9093"));
    assert_eq!(prop(&t, "sasl.mechanisms"), Some("SCRAM-SHA-512"));
    assert_eq!(prop(&t, "sasl.password"), Some("alice-secret"));
    assert_eq!(
        t.ignored,
        vec!["line 7 (no key=value)"],
        "no part of a stray line"
    );
}
