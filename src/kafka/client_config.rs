//! Client settings as users already have them: a Java client properties file (the one
//! `kafka-console-consumer --consumer.config` reads) or kcat's `-F` file, translated to
//! the librdkafka properties every client of the dashboard is built from, with the names
//! of the keys that had no place there.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use openssl::pkcs12::Pkcs12;

/// Which kind of file a client config is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// java.util.Properties as Kafka's Java clients read it.
    Java,
    /// kcat's `-F`: librdkafka properties, `key=value` lines and `#` comments.
    Kcat,
}

/// A client config file, translated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Translated {
    /// `bootstrap.servers`, if the file gives it.
    pub bootstrap: Option<String>,
    /// librdkafka properties, in a stable order.
    pub properties: Vec<(String, String)>,
    /// Keys read but not used (names only, sorted).
    pub ignored: Vec<String>,
}

/// The command a user runs to turn a JKS store into PKCS12.
fn jks_advice(path: &Path) -> String {
    let stem = path.with_extension("");
    format!(
        "{} is a JKS store, which only Java reads; convert it to PKCS12 with: keytool -importkeystore -srckeystore {} -destkeystore {}.p12 -deststoretype PKCS12",
        path.display(),
        path.display(),
        stem.display()
    )
}

/// Reads and translates the file at `path`.
pub fn load(path: &Path, format: Format) -> Result<Translated, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read client config {}: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    match format {
        Format::Java => {
            let props = parse_java(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            translate_java(&props, base).map_err(|e| format!("{}: {e}", path.display()))
        }
        Format::Kcat => Ok(translate_kcat(&text)),
    }
}

/// Parses java.util.Properties text (comments, continuations, escapes, `=` or `:`).
pub fn parse_java(text: &str) -> Result<HashMap<String, String>, String> {
    java_properties::read(text.as_bytes()).map_err(|e| format!("not a properties file: {e}"))
}

/// kcat's file: every `key=value` line is a librdkafka property already.
pub fn translate_kcat(text: &str) -> Translated {
    let mut out = Translated::default();
    for (n, line) in text.lines().map(str::trim).enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            // It may be a secret typed wrongly: keep no part of it.
            out.ignored.push(format!("line {} (no key=value)", n + 1));
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        match k {
            "bootstrap.servers" | "metadata.broker.list" => out.bootstrap = Some(v.to_string()),
            _ => out.properties.push((k.to_string(), v.to_string())),
        }
    }
    out
}

/// The librdkafka properties a Java client config means.
pub fn translate_java(props: &HashMap<String, String>, base: &Path) -> Result<Translated, String> {
    let mut t = Tr {
        props,
        used: Default::default(),
        out: Translated::default(),
    };
    t.out.bootstrap = t.take("bootstrap.servers");
    if let Some(p) = t.take("security.protocol") {
        t.set("security.protocol", p.trim().to_ascii_uppercase());
    }
    if let Some(m) = t.take("sasl.mechanism") {
        t.set("sasl.mechanism", m.trim().to_string());
    }
    t.jaas()?;
    t.oauth();
    t.truststore(base)?;
    t.keystore(base)?;
    if let Some(alg) = t.take("ssl.endpoint.identification.algorithm") {
        let alg = if alg.trim().is_empty() {
            "none"
        } else {
            alg.trim()
        };
        t.set(
            "ssl.endpoint.identification.algorithm",
            alg.to_ascii_lowercase(),
        );
    }
    // Java needs a class for OIDC logins; librdkafka does it itself.
    t.take("sasl.login.callback.handler.class");
    let mut ignored: Vec<String> = props
        .keys()
        .filter(|k| !t.used.contains(k.as_str()))
        .cloned()
        .collect();
    ignored.sort();
    t.out.ignored.extend(ignored);
    Ok(t.out)
}

/// The translation under way: what was read, what was used, what came out.
struct Tr<'a> {
    props: &'a HashMap<String, String>,
    used: std::collections::HashSet<&'a str>,
    out: Translated,
}

impl<'a> Tr<'a> {
    /// The value of `key`, marking it used (an empty value counts as given).
    fn take(&mut self, key: &str) -> Option<String> {
        let (k, v) = self.props.get_key_value(key)?;
        self.used.insert(k.as_str());
        Some(v.clone())
    }

    fn set(&mut self, key: &str, value: String) {
        self.out.properties.retain(|(k, _)| k != key);
        self.out.properties.push((key.to_string(), value));
    }

    /// `sasl.jaas.config`: the login module's user and password, or OAuth client.
    fn jaas(&mut self) -> Result<(), String> {
        let Some(text) = self.take("sasl.jaas.config") else {
            return Ok(());
        };
        let jaas = parse_jaas(&text)?;
        let class = jaas.module.rsplit('.').next().unwrap_or(&jaas.module);
        let mut opts = jaas.options;
        let mut take = |k: &str| opts.remove(k);
        match class {
            "PlainLoginModule" | "ScramLoginModule" => {
                let user = take("username").ok_or("sasl.jaas.config: no username=")?;
                let password = take("password").ok_or("sasl.jaas.config: no password=")?;
                self.set("sasl.username", user);
                self.set("sasl.password", password);
            }
            "OAuthBearerLoginModule" => {
                for (from, to) in [
                    ("clientId", "sasl.oauthbearer.client.id"),
                    ("clientSecret", "sasl.oauthbearer.client.secret"),
                    ("scope", "sasl.oauthbearer.scope"),
                ] {
                    if let Some(v) = take(from) {
                        self.set(to, v);
                    }
                }
            }
            other => {
                return Err(format!(
                    "sasl.jaas.config: the login module {other} is not supported (PlainLoginModule, ScramLoginModule and OAuthBearerLoginModule are)"
                ))
            }
        }
        let mut rest: Vec<String> = opts
            .into_keys()
            .map(|k| format!("sasl.jaas.config:{k}"))
            .collect();
        rest.sort();
        self.out.ignored.extend(rest);
        Ok(())
    }

    /// Kafka 4's own OIDC keys; a token endpoint means librdkafka's OIDC method.
    fn oauth(&mut self) {
        for (from, to) in [
            (
                "sasl.oauthbearer.client.credentials.client.id",
                "sasl.oauthbearer.client.id",
            ),
            (
                "sasl.oauthbearer.client.credentials.client.secret",
                "sasl.oauthbearer.client.secret",
            ),
            ("sasl.oauthbearer.scope", "sasl.oauthbearer.scope"),
            (
                "sasl.oauthbearer.token.endpoint.url",
                "sasl.oauthbearer.token.endpoint.url",
            ),
        ] {
            if let Some(v) = self.take(from) {
                self.set(to, v);
            }
        }
        let has = |k: &str| self.out.properties.iter().any(|(p, _)| p == k);
        if has("sasl.oauthbearer.token.endpoint.url") || has("sasl.oauthbearer.client.id") {
            self.set("sasl.oauthbearer.method", "oidc".into());
        }
    }

    /// `ssl.truststore.*`: a PEM file is used as it is; a PKCS12 store's certificates
    /// are handed over as PEM text.
    fn truststore(&mut self, base: &Path) -> Result<(), String> {
        let password = self.take("ssl.truststore.password").unwrap_or_default();
        let declared = self.take("ssl.truststore.type");
        if let Some(pem) = self.take("ssl.truststore.certificates") {
            self.set("ssl.ca.pem", pem);
        }
        let Some(location) = self.take("ssl.truststore.location") else {
            return Ok(());
        };
        let path = resolve(base, &location);
        match store_kind(&path, declared.as_deref())? {
            StoreKind::Pem => self.set("ssl.ca.location", path.display().to_string()),
            StoreKind::Pkcs12 => {
                let pem = pkcs12_certificates(&path, &password)?;
                self.set("ssl.ca.pem", pem);
            }
            StoreKind::Jks => return Err(jks_advice(&path)),
        }
        Ok(())
    }

    /// `ssl.keystore.*` and `ssl.key.password`: the client's certificate and key.
    fn keystore(&mut self, base: &Path) -> Result<(), String> {
        let password = self.take("ssl.keystore.password");
        let key_password = self.take("ssl.key.password");
        let declared = self.take("ssl.keystore.type");
        if let Some(pem) = self.take("ssl.keystore.certificate.chain") {
            self.set("ssl.certificate.pem", pem);
        }
        if let Some(pem) = self.take("ssl.keystore.key") {
            self.set("ssl.key.pem", pem);
        }
        if let Some(kp) = key_password.clone() {
            self.set("ssl.key.password", kp);
        }
        let Some(location) = self.take("ssl.keystore.location") else {
            return Ok(());
        };
        let path = resolve(base, &location);
        match store_kind(&path, declared.as_deref())? {
            StoreKind::Pem => {
                // One file holds the chain and the key; librdkafka reads each from it.
                let p = path.display().to_string();
                self.set("ssl.certificate.location", p.clone());
                self.set("ssl.key.location", p);
            }
            StoreKind::Pkcs12 => {
                self.set("ssl.keystore.location", path.display().to_string());
                // Java's PKCS12 stores use one password for the store and the key.
                let pw = password.or(key_password).unwrap_or_default();
                self.set("ssl.keystore.password", pw);
                self.out.properties.retain(|(k, _)| k != "ssl.key.password");
            }
            StoreKind::Jks => return Err(jks_advice(&path)),
        }
        Ok(())
    }
}

/// A relative store path is relative to the properties file, as a person reading it
/// next to its stores would expect.
fn resolve(base: &Path, location: &str) -> PathBuf {
    let p = Path::new(location.trim());
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum StoreKind {
    Pem,
    Pkcs12,
    Jks,
}

/// What kind of store `path` is: JKS files are known by their magic number whatever the
/// declared type (Java's default type is JKS, so an undeclared store is looked at).
fn store_kind(path: &Path, declared: Option<&str>) -> Result<StoreKind, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.starts_with(&[0xfe, 0xed, 0xfe, 0xed]) {
        return Ok(StoreKind::Jks);
    }
    match declared.map(|d| d.trim().to_ascii_uppercase()).as_deref() {
        Some("PEM") => Ok(StoreKind::Pem),
        Some("PKCS12") => Ok(StoreKind::Pkcs12),
        Some("JKS") => Err(jks_advice(path)),
        Some(other) => Err(format!(
            "{}: store type {other} is not supported (PEM, PKCS12)",
            path.display()
        )),
        None if bytes.windows(11).any(|w| w == b"-----BEGIN ") => Ok(StoreKind::Pem),
        None => Ok(StoreKind::Pkcs12),
    }
}

/// The certificates of a PKCS12 trust store, as PEM text.
fn pkcs12_certificates(path: &Path, password: &str) -> Result<String, String> {
    let der = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let store = Pkcs12::from_der(&der)
        .and_then(|p| p.parse2(password))
        .map_err(|_| {
            format!(
                "{}: not a PKCS12 store, or ssl.truststore.password does not open it",
                path.display()
            )
        })?;
    let mut pem = String::new();
    let certs = store.ca.into_iter().flatten().chain(store.cert);
    for cert in certs {
        let text = cert
            .to_pem()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        pem.push_str(&String::from_utf8_lossy(&text));
    }
    if pem.is_empty() {
        return Err(format!(
            "{}: the trust store holds no certificate",
            path.display()
        ));
    }
    Ok(pem)
}

/// One `sasl.jaas.config` entry: the login module and its options.
#[derive(Debug, PartialEq, Eq)]
pub struct Jaas {
    /// The module's class name.
    pub module: String,
    /// `key=value` options, quotes removed.
    pub options: HashMap<String, String>,
}

/// Parses `Module required key="value" key2=value2;` (Kafka's JaasConfig syntax; one
/// module). The error names what is wrong, never a value.
pub fn parse_jaas(text: &str) -> Result<Jaas, String> {
    let bad = |why: &str| {
        format!("sasl.jaas.config: {why} (expected: LoginModuleClass required key=\"value\" ...;)")
    };
    let tokens = jaas_tokens(text).map_err(&bad)?;
    let mut it = tokens.into_iter();
    let module = match it.next() {
        Some(Tok::Word(m)) => m,
        _ => return Err(bad("no login module")),
    };
    match it.next() {
        Some(Tok::Word(flag))
            if ["required", "requisite", "sufficient", "optional"].contains(&flag.as_str()) => {}
        _ => return Err(bad("no control flag after the login module")),
    }
    let mut options = HashMap::new();
    loop {
        match it.next() {
            Some(Tok::Semicolon) => break,
            Some(Tok::Word(key)) => {
                if it.next() != Some(Tok::Equals) {
                    return Err(bad(&format!("option {key} has no =")));
                }
                match it.next() {
                    Some(Tok::Word(v)) | Some(Tok::Quoted(v)) => {
                        options.insert(key, v);
                    }
                    _ => return Err(bad(&format!("option {key} has no value"))),
                }
            }
            None => return Err(bad("no ; at the end")),
            _ => return Err(bad("unexpected text")),
        }
    }
    if it.next().is_some() {
        return Err(bad("only one login module is supported"));
    }
    Ok(Jaas { module, options })
}

#[derive(Debug, PartialEq, Eq)]
enum Tok {
    Word(String),
    Quoted(String),
    Equals,
    Semicolon,
}

/// Splits JAAS text into words, quoted strings (backslash escapes), `=` and `;`.
fn jaas_tokens(text: &str) -> Result<Vec<Tok>, &'static str> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '=' => out.push(Tok::Equals),
            ';' => out.push(Tok::Semicolon),
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => s.extend(chars.next()),
                        Some(c) => s.push(c),
                        None => return Err("a quoted value is not closed"),
                    }
                }
                out.push(Tok::Quoted(s));
            }
            c => {
                let mut s = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || n == '=' || n == ';' || n == '"' {
                        break;
                    }
                    s.push(n);
                    chars.next();
                }
                out.push(Tok::Word(s));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
