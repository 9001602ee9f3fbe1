//! SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka speaks them, for both
//! sides: the client's first and final messages and its check of the server's signature,
//! the server's reply to a client-first message from a stored credential and its check
//! of the client's proof, and the credential itself (what AlterUserScramCredentials
//! stores). No channel binding (`n,,`), as Kafka's own SCRAM never binds.

use std::fmt;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256, Sha512};

/// Kafka's smallest accepted iteration count (ScramMechanism.minIterations).
pub const MIN_ITERATIONS: u32 = 4096;
/// Kafka's largest accepted iteration count (ScramMechanism.maxIterations).
pub const MAX_ITERATIONS: u32 = 16384;

/// `c=` of a client-final message without channel binding: base64 of the GS2 header `n,,`.
const CHANNEL_BINDING: &str = "biws";

/// The two SCRAM mechanisms Kafka offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mechanism {
    /// SCRAM-SHA-256 (RFC 7677).
    Sha256,
    /// SCRAM-SHA-512.
    Sha512,
}

impl Mechanism {
    /// The SASL mechanism name, as in SaslHandshake.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Sha256 => "SCRAM-SHA-256",
            Mechanism::Sha512 => "SCRAM-SHA-512",
        }
    }

    /// The mechanism a SASL name stands for (case-insensitive), if it is a SCRAM one.
    pub fn from_name(name: &str) -> Option<Mechanism> {
        match name.to_ascii_uppercase().as_str() {
            "SCRAM-SHA-256" => Some(Mechanism::Sha256),
            "SCRAM-SHA-512" => Some(Mechanism::Sha512),
            _ => None,
        }
    }

    /// Kafka's ScramMechanism type number (DescribeUserScramCredentials, AlterUser…).
    pub fn kafka_type(self) -> i8 {
        match self {
            Mechanism::Sha256 => 1,
            Mechanism::Sha512 => 2,
        }
    }

    /// The mechanism of a Kafka ScramMechanism type number.
    pub fn from_kafka_type(t: i8) -> Option<Mechanism> {
        match t {
            1 => Some(Mechanism::Sha256),
            2 => Some(Mechanism::Sha512),
            _ => None,
        }
    }

    fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            Mechanism::Sha256 => Sha256::digest(data).to_vec(),
            Mechanism::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length, so new_from_slice cannot fail.
        match self {
            Mechanism::Sha256 => {
                let mut m = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
            Mechanism::Sha512 => {
                let mut m = Hmac::<Sha512>::new_from_slice(key).expect("any key length");
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
        }
    }

    /// Hi() of RFC 5802: PBKDF2 with this mechanism's HMAC.
    pub fn salted_password(self, password: &str, salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            Mechanism::Sha256 => {
                let mut out = vec![0u8; 32];
                pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut out);
                out
            }
            Mechanism::Sha512 => {
                let mut out = vec![0u8; 64];
                pbkdf2::pbkdf2_hmac::<Sha512>(password.as_bytes(), salt, iterations, &mut out);
                out
            }
        }
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What went wrong in a SCRAM exchange.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScramError {
    /// A message did not follow RFC 5802's grammar.
    #[error("malformed SCRAM {message} message: {reason}")]
    Malformed {
        /// Which message: "client-first", "server-first", "client-final", "server-final".
        message: &'static str,
        /// What was wrong with it.
        reason: String,
    },
    /// The server's nonce does not extend ours, or the client's final nonce is not the
    /// server's: someone in between, or a confused peer.
    #[error("SCRAM nonce mismatch: the peer's nonce does not continue this exchange's")]
    NonceMismatch,
    /// The server asked for fewer iterations than Kafka allows.
    #[error("SCRAM iteration count {0} is below the minimum {MIN_ITERATIONS}")]
    TooFewIterations(u32),
    /// The client's proof does not match the stored credential: wrong password.
    #[error("SCRAM authentication failed: invalid credentials")]
    InvalidProof,
    /// The server's signature does not match: it does not know the password either.
    #[error(
        "SCRAM server signature does not match: the server could not prove it knows the credential"
    )]
    InvalidServerSignature,
    /// The server ended the exchange with `e=…`.
    #[error("the server rejected SCRAM authentication: {0}")]
    ServerError(String),
    /// The client sent a channel-binding flag or header this side does not support.
    #[error("SCRAM channel binding is not supported")]
    ChannelBinding,
}

fn malformed(message: &'static str, reason: impl Into<String>) -> ScramError {
    ScramError::Malformed {
        message,
        reason: reason.into(),
    }
}

/// What a server stores for one user and mechanism.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// The salt PBKDF2 used.
    pub salt: Vec<u8>,
    /// PBKDF2's iteration count.
    pub iterations: u32,
    /// H(ClientKey).
    pub stored_key: Vec<u8>,
    /// HMAC(SaltedPassword, "Server Key").
    pub server_key: Vec<u8>,
}

// Keys are as good as passwords for a server: never print them.
impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

impl Credential {
    /// The credential for a password, salt and iteration count.
    pub fn from_password(mech: Mechanism, password: &str, salt: &[u8], iterations: u32) -> Self {
        let salted = mech.salted_password(password, salt, iterations);
        Self::from_salted_password(mech, &salted, salt, iterations)
    }

    /// The credential from an already salted password (what AlterUserScramCredentials
    /// carries).
    pub fn from_salted_password(
        mech: Mechanism,
        salted: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Self {
        let client_key = mech.hmac(salted, b"Client Key");
        Credential {
            salt: salt.to_vec(),
            iterations,
            stored_key: mech.hash(&client_key),
            server_key: mech.hmac(salted, b"Server Key"),
        }
    }

    /// A credential with a fresh random salt and Kafka's default 4096 iterations.
    pub fn generate(mech: Mechanism, password: &str) -> Self {
        let mut salt = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        Self::from_password(mech, password, &salt, MIN_ITERATIONS)
    }
}

/// A random nonce: printable and free of ',' (base64 of random bytes).
fn random_nonce() -> String {
    let mut raw = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut raw);
    B64.encode(raw)
}

/// saslname of RFC 5802: ',' and '=' escaped.
fn escape_name(name: &str) -> String {
    name.replace('=', "=3D").replace(',', "=2C")
}

fn unescape_name(name: &str) -> Result<String, ScramError> {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(i) = rest.find('=') {
        out.push_str(&rest[..i]);
        match rest.get(i..i + 3) {
            Some("=2C") => out.push(','),
            Some("=3D") => out.push('='),
            _ => return Err(malformed("client-first", "bad '=' escape in the user name")),
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Splits `k=v,k=v,…` into attributes, in order.
fn attributes<'a>(
    message: &'static str,
    text: &'a str,
) -> Result<Vec<(char, &'a str)>, ScramError> {
    text.split(',')
        .map(|part| {
            let mut chars = part.chars();
            match (chars.next(), chars.next()) {
                (Some(k), Some('=')) if k.is_ascii_alphabetic() => Ok((k, &part[2..])),
                _ => Err(malformed(
                    message,
                    format!("expected key=value, got {part:?}"),
                )),
            }
        })
        .collect()
}

fn utf8<'a>(message: &'static str, bytes: &'a [u8]) -> Result<&'a str, ScramError> {
    std::str::from_utf8(bytes).map_err(|_| malformed(message, "not UTF-8"))
}

fn xor(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.iter().zip(b).map(|(x, y)| x ^ y).collect()
}

/// Equal in time independent of where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------- client

/// The client side before the server's first message.
pub struct ScramClient {
    mech: Mechanism,
    password: String,
    nonce: String,
    first_bare: String,
}

impl fmt::Debug for ScramClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramClient")
            .field("mech", &self.mech)
            .finish_non_exhaustive()
    }
}

impl ScramClient {
    /// A client for this user and password, with a random nonce.
    pub fn new(mech: Mechanism, username: &str, password: &str) -> Self {
        Self::with_nonce(mech, username, password, &random_nonce())
    }

    /// A client with a given nonce (tests with known vectors).
    pub fn with_nonce(mech: Mechanism, username: &str, password: &str, nonce: &str) -> Self {
        ScramClient {
            mech,
            password: password.to_string(),
            nonce: nonce.to_string(),
            first_bare: format!("n={},r={nonce}", escape_name(username)),
        }
    }

    /// The client-first message, GS2 header included.
    pub fn first_message(&self) -> Vec<u8> {
        format!("n,,{}", self.first_bare).into_bytes()
    }

    /// Reads the server-first message and returns the client-final message, with the
    /// state that checks the server's final answer.
    pub fn handle_server_first(
        self,
        server_first: &[u8],
    ) -> Result<(ScramClientFinal, Vec<u8>), ScramError> {
        const M: &str = "server-first";
        let text = utf8(M, server_first)?;
        if let Some(err) = text.strip_prefix("e=") {
            return Err(ScramError::ServerError(err.to_string()));
        }
        let attrs = attributes(M, text)?;
        let (nonce, salt, iterations) = match attrs.as_slice() {
            [('r', r), ('s', s), ('i', i), ..] => (*r, *s, *i),
            _ => return Err(malformed(M, "expected r=…,s=…,i=…")),
        };
        if !nonce.starts_with(&self.nonce) || nonce.len() == self.nonce.len() {
            return Err(ScramError::NonceMismatch);
        }
        let salt = B64
            .decode(salt)
            .map_err(|_| malformed(M, "salt is not base64"))?;
        let iterations: u32 = iterations
            .parse()
            .map_err(|_| malformed(M, "iteration count is not a number"))?;
        if iterations < MIN_ITERATIONS {
            return Err(ScramError::TooFewIterations(iterations));
        }
        let salted = self.mech.salted_password(&self.password, &salt, iterations);
        let without_proof = format!("c={CHANNEL_BINDING},r={nonce}");
        let auth_message = format!("{},{text},{without_proof}", self.first_bare);
        let client_key = self.mech.hmac(&salted, b"Client Key");
        let stored_key = self.mech.hash(&client_key);
        let signature = self.mech.hmac(&stored_key, auth_message.as_bytes());
        let proof = xor(&client_key, &signature);
        let server_key = self.mech.hmac(&salted, b"Server Key");
        let expected = self.mech.hmac(&server_key, auth_message.as_bytes());
        let message = format!("{without_proof},p={}", B64.encode(proof));
        Ok((
            ScramClientFinal {
                server_signature: expected,
            },
            message.into_bytes(),
        ))
    }
}

/// The client side after its final message: checks the server's signature.
pub struct ScramClientFinal {
    server_signature: Vec<u8>,
}

impl ScramClientFinal {
    /// Checks the server-final message (`v=…`, or `e=…` for an error).
    pub fn verify_server_final(&self, server_final: &[u8]) -> Result<(), ScramError> {
        const M: &str = "server-final";
        let text = utf8(M, server_final)?;
        let attrs = attributes(M, text)?;
        match attrs.first() {
            Some(('e', err)) => Err(ScramError::ServerError(err.to_string())),
            Some(('v', v)) => {
                let got = B64
                    .decode(v)
                    .map_err(|_| malformed(M, "signature is not base64"))?;
                if same(&got, &self.server_signature) {
                    Ok(())
                } else {
                    Err(ScramError::InvalidServerSignature)
                }
            }
            _ => Err(malformed(M, "expected v=… or e=…")),
        }
    }
}

// ---------------------------------------------------------------------------- server

/// A parsed client-first message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFirst {
    /// The user name, unescaped.
    pub username: String,
    /// The authorization id of the GS2 header (`a=`), if any.
    pub authzid: Option<String>,
    /// The client's nonce.
    pub nonce: String,
    /// Extensions after the nonce (Kafka's `tokenauth=true` for delegation tokens).
    pub extensions: Vec<(String, String)>,
    bare: String,
}

impl ClientFirst {
    /// Parses a client-first message.
    pub fn parse(message: &[u8]) -> Result<ClientFirst, ScramError> {
        const M: &str = "client-first";
        let text = utf8(M, message)?;
        let mut gs2 = text.splitn(3, ',');
        let (flag, authz, bare) = match (gs2.next(), gs2.next(), gs2.next()) {
            (Some(f), Some(a), Some(b)) => (f, a, b),
            _ => return Err(malformed(M, "missing the GS2 header")),
        };
        match flag {
            "n" | "y" => {}
            f if f.starts_with("p=") => return Err(ScramError::ChannelBinding),
            _ => return Err(malformed(M, "bad channel-binding flag")),
        }
        let authzid = match authz {
            "" => None,
            a => Some(unescape_name(a.strip_prefix("a=").ok_or_else(|| {
                malformed(M, "the GS2 authorization id must start with a=")
            })?)?),
        };
        let (username, nonce, rest) = match bare.splitn(3, ',').collect::<Vec<_>>()[..] {
            [n, r] => (n, r, ""),
            [n, r, rest] => (n, r, rest),
            _ => return Err(malformed(M, "expected n=…,r=…")),
        };
        let username = username
            .strip_prefix("n=")
            .ok_or_else(|| malformed(M, "expected n=user"))?;
        let nonce = nonce
            .strip_prefix("r=")
            .ok_or_else(|| malformed(M, "expected r=nonce"))?;
        if nonce.is_empty() {
            return Err(malformed(M, "empty nonce"));
        }
        let extensions = if rest.is_empty() {
            Vec::new()
        } else {
            rest.split(',')
                .map(|kv| match kv.split_once('=') {
                    Some((k, v)) => Ok((k.to_string(), v.to_string())),
                    None => Err(malformed(M, format!("bad extension {kv:?}"))),
                })
                .collect::<Result<_, _>>()?
        };
        Ok(ClientFirst {
            username: unescape_name(username)?,
            authzid,
            nonce: nonce.to_string(),
            extensions,
            bare: bare.to_string(),
        })
    }
}

/// The server side after its first message: checks the client's proof.
pub struct ScramServer {
    mech: Mechanism,
    credential: Credential,
    client_first_bare: String,
    server_first: String,
    nonce: String,
}

impl fmt::Debug for ScramServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramServer")
            .field("mech", &self.mech)
            .finish_non_exhaustive()
    }
}

impl ScramServer {
    /// Answers a client-first message for a user with this stored credential: returns
    /// the server and its server-first message.
    pub fn new(mech: Mechanism, first: &ClientFirst, credential: Credential) -> (Self, Vec<u8>) {
        Self::with_nonce(mech, first, credential, &random_nonce())
    }

    /// As `new` with a given server part of the nonce (tests with known vectors).
    pub fn with_nonce(
        mech: Mechanism,
        first: &ClientFirst,
        credential: Credential,
        server_nonce: &str,
    ) -> (Self, Vec<u8>) {
        let nonce = format!("{}{server_nonce}", first.nonce);
        let server_first = format!(
            "r={nonce},s={},i={}",
            B64.encode(&credential.salt),
            credential.iterations
        );
        let message = server_first.clone().into_bytes();
        let server = ScramServer {
            mech,
            credential,
            client_first_bare: first.bare.clone(),
            server_first,
            nonce,
        };
        (server, message)
    }

    /// Checks the client-final message; on success returns the server-final message.
    pub fn verify_client_final(&self, client_final: &[u8]) -> Result<Vec<u8>, ScramError> {
        const M: &str = "client-final";
        let text = utf8(M, client_final)?;
        let (without_proof, proof) = text
            .rsplit_once(",p=")
            .ok_or_else(|| malformed(M, "missing the proof p=…"))?;
        let attrs = attributes(M, without_proof)?;
        let (binding, nonce) = match attrs.as_slice() {
            [('c', c), ('r', r), ..] => (*c, *r),
            _ => return Err(malformed(M, "expected c=…,r=…")),
        };
        // "biws" is n,, and "eSws" is y,, (client could bind but thinks we cannot).
        if binding != CHANNEL_BINDING && binding != "eSws" {
            return Err(ScramError::ChannelBinding);
        }
        // Exact, as Kafka's ScramSaslServer checks it: a client that repeats its own part
        // (librdkafka before 2.2) fails here as it fails on Kafka.
        if nonce != self.nonce {
            return Err(ScramError::NonceMismatch);
        }
        let proof = B64
            .decode(proof)
            .map_err(|_| malformed(M, "proof is not base64"))?;
        let auth_message = format!(
            "{},{},{without_proof}",
            self.client_first_bare, self.server_first
        );
        let signature = self
            .mech
            .hmac(&self.credential.stored_key, auth_message.as_bytes());
        if proof.len() != signature.len() {
            return Err(ScramError::InvalidProof);
        }
        let client_key = xor(&proof, &signature);
        if !same(&self.mech.hash(&client_key), &self.credential.stored_key) {
            return Err(ScramError::InvalidProof);
        }
        let server_signature = self
            .mech
            .hmac(&self.credential.server_key, auth_message.as_bytes());
        Ok(format!("v={}", B64.encode(server_signature)).into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_CLIENT_FIRST: &str = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    const RFC_SERVER_FIRST: &str =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    const RFC_CLIENT_FINAL: &str = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    const RFC_SERVER_FINAL: &str = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    #[test]
    fn rfc7677_client_side() {
        let client =
            ScramClient::with_nonce(Mechanism::Sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        assert_eq!(client.first_message(), RFC_CLIENT_FIRST.as_bytes());
        let (fin, msg) = client
            .handle_server_first(RFC_SERVER_FIRST.as_bytes())
            .unwrap();
        assert_eq!(String::from_utf8(msg).unwrap(), RFC_CLIENT_FINAL);
        fin.verify_server_final(RFC_SERVER_FINAL.as_bytes())
            .unwrap();
        assert_eq!(
            fin.verify_server_final(b"v=AAAA"),
            Err(ScramError::InvalidServerSignature)
        );
    }

    #[test]
    fn rfc7677_server_side() {
        let salt = B64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap();
        let cred = Credential::from_password(Mechanism::Sha256, "pencil", &salt, 4096);
        let first = ClientFirst::parse(RFC_CLIENT_FIRST.as_bytes()).unwrap();
        assert_eq!(first.username, "user");
        let (server, msg) = ScramServer::with_nonce(
            Mechanism::Sha256,
            &first,
            cred,
            "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
        );
        assert_eq!(msg, RFC_SERVER_FIRST.as_bytes());
        let fin = server
            .verify_client_final(RFC_CLIENT_FINAL.as_bytes())
            .unwrap();
        assert_eq!(fin, RFC_SERVER_FINAL.as_bytes());
    }

    fn round_trip(mech: Mechanism, stored: &str, typed: &str) -> Result<(), ScramError> {
        let cred = Credential::generate(mech, stored);
        let client = ScramClient::new(mech, "al,i=ce", typed);
        let first = ClientFirst::parse(&client.first_message())?;
        assert_eq!(first.username, "al,i=ce");
        let (server, server_first) = ScramServer::new(mech, &first, cred);
        let (fin, client_final) = client.handle_server_first(&server_first)?;
        let server_final = server.verify_client_final(&client_final)?;
        fin.verify_server_final(&server_final)
    }

    #[test]
    fn round_trip_both_mechanisms() {
        for mech in [Mechanism::Sha256, Mechanism::Sha512] {
            assert_eq!(round_trip(mech, "alice-secret", "alice-secret"), Ok(()));
            assert_eq!(
                round_trip(mech, "alice-secret", "alice-wrong"),
                Err(ScramError::InvalidProof),
                "{mech}"
            );
        }
    }

    #[test]
    fn salted_password_credential_matches_password_credential() {
        let mech = Mechanism::Sha512;
        let salted = mech.salted_password("bob-secret", b"salty", 8192);
        assert_eq!(
            Credential::from_salted_password(mech, &salted, b"salty", 8192),
            Credential::from_password(mech, "bob-secret", b"salty", 8192)
        );
    }

    #[test]
    fn tampered_nonces_fail() {
        let mech = Mechanism::Sha512;
        let cred = Credential::generate(mech, "pw");
        let client = ScramClient::new(mech, "bob", "pw");
        let first = ClientFirst::parse(&client.first_message()).unwrap();
        let (server, server_first) = ScramServer::new(mech, &first, cred);
        // A server-first whose nonce does not extend the client's.
        let text = String::from_utf8(server_first.clone()).unwrap();
        let tampered = text.replacen("r=", "r=X", 1);
        let client2 = ScramClient::with_nonce(mech, "bob", "pw", &first.nonce);
        assert_eq!(
            client2.handle_server_first(tampered.as_bytes()).err(),
            Some(ScramError::NonceMismatch)
        );
        // A client-final whose nonce is not the combined one.
        let (_, client_final) = client.handle_server_first(&server_first).unwrap();
        let text = String::from_utf8(client_final).unwrap();
        // A prefix too (librdkafka 2.0 doubles its part): Kafka refuses it, so do we.
        let tampered = text.replacen(",r=", ",r=X", 1);
        assert_eq!(
            server.verify_client_final(tampered.as_bytes()),
            Err(ScramError::NonceMismatch)
        );
    }

    #[test]
    fn server_errors_and_weak_iterations_are_named() {
        let client = ScramClient::with_nonce(Mechanism::Sha256, "u", "p", "abc");
        assert_eq!(
            client
                .handle_server_first(b"r=abcdef,s=c2FsdA==,i=10")
                .err(),
            Some(ScramError::TooFewIterations(10))
        );
        let client = ScramClient::with_nonce(Mechanism::Sha256, "u", "p", "abc");
        assert_eq!(
            client.handle_server_first(b"e=unknown-user").err(),
            Some(ScramError::ServerError("unknown-user".into()))
        );
    }

    #[test]
    fn client_first_with_extensions_and_bad_input() {
        let f = ClientFirst::parse(b"n,a=admin,n=user,r=xyz,tokenauth=true").unwrap();
        assert_eq!(f.authzid.as_deref(), Some("admin"));
        assert_eq!(f.extensions, vec![("tokenauth".into(), "true".into())]);
        assert!(matches!(
            ClientFirst::parse(b"n=user,r=xyz"),
            Err(ScramError::Malformed { .. })
        ));
        assert_eq!(
            ClientFirst::parse(b"p=tls-unique,,n=user,r=xyz"),
            Err(ScramError::ChannelBinding)
        );
        assert!(ClientFirst::parse(b"n,,n=us=3er,r=x").is_err());
    }

    #[test]
    fn debug_never_shows_keys_or_passwords() {
        let cred = Credential::generate(Mechanism::Sha256, "pencil");
        let client = ScramClient::new(Mechanism::Sha256, "user", "pencil");
        let shown = format!("{cred:?} {client:?}");
        assert!(!shown.contains("pencil") && !shown.contains("stored_key"));
    }
}
