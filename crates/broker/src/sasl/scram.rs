//! SASL/SCRAM-SHA-256 and SCRAM-SHA-512 on the server side: the exchange is
//! `wire::scram`'s (shared with the dashboard's client); this module finds the user's
//! credential and turns failures into Kafka's messages.

use wire::scram::{ClientFirst, Credential, Mechanism as Hash, ScramServer};

use super::{Mechanism, Step};
use crate::handlers::ScramCredential;
use crate::Shared;

/// One SCRAM exchange: client-first, then client-final.
#[derive(Debug)]
pub(crate) struct Scram {
    hash: Hash,
    /// After the server-first message: the exchange and the user it is for.
    pending: Option<(ScramServer, String)>,
}

impl Scram {
    /// An exchange for SCRAM-SHA-256 or -512.
    pub fn new(hash: Hash) -> Self {
        Self {
            hash,
            pending: None,
        }
    }

    /// Kafka's one message for an unknown user and a wrong password alike.
    fn invalid(&self) -> Step {
        Step::Fail(format!(
            "Authentication failed during authentication due to invalid credentials with SASL mechanism {}",
            self.hash.name()
        ))
    }

    fn first(&mut self, shared: &Shared, token: &[u8]) -> Step {
        let Ok(first) = ClientFirst::parse(token) else {
            return self.invalid();
        };
        if first.authzid.as_ref().is_some_and(|a| *a != first.username) {
            return Step::Fail("Authentication/Authorization id mismatch".into());
        }
        let Some(stored) = stored(shared, &first.username, self.hash) else {
            return self.invalid();
        };
        let credential = Credential::from_salted_password(
            self.hash,
            &stored.salted_password,
            &stored.salt,
            stored.iterations as u32,
        );
        let (server, server_first) = ScramServer::new(self.hash, &first, credential);
        self.pending = Some((server, first.username));
        Step::Continue(server_first)
    }
}

/// The stored credential of `user` for `hash`.
fn stored(shared: &Shared, user: &str, hash: Hash) -> Option<ScramCredential> {
    let store = shared.scram.lock().unwrap_or_else(|e| e.into_inner());
    store.get(user)?.get(&hash.kafka_type()).cloned()
}

/// The credential `--user` gives for `hash`: a random salt and Kafka's 4096 iterations.
pub(crate) fn credential_for(hash: Hash, password: &str) -> ScramCredential {
    let mut salt = [0u8; 16];
    // The salt only needs to be unpredictable, not secret; OpenSSL's RNG cannot run dry.
    openssl::rand::rand_bytes(&mut salt).expect("OpenSSL's random generator");
    let iterations = wire::scram::MIN_ITERATIONS;
    ScramCredential {
        iterations: iterations as i32,
        salt: salt.to_vec(),
        salted_password: hash.salted_password(password, &salt, iterations),
    }
}

impl Mechanism for Scram {
    fn name(&self) -> &'static str {
        self.hash.name()
    }

    fn step(&mut self, shared: &Shared, token: &[u8]) -> Step {
        match self.pending.take() {
            None => self.first(shared, token),
            Some((server, user)) => match server.verify_client_final(token) {
                Ok(server_final) => Step::Done {
                    principal: crate::principal::user(&user),
                    reply: server_final,
                },
                Err(_) => self.invalid(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handlers::testing;
    use wire::scram::ScramClient;

    fn shared_with_alice() -> Shared {
        let shared = testing::shared();
        let creds = [Hash::Sha256, Hash::Sha512]
            .into_iter()
            .map(|h| (h.kafka_type(), credential_for(h, "alice-secret")))
            .collect();
        shared.scram.lock().unwrap().insert("alice".into(), creds);
        shared
    }

    fn exchange(shared: &Shared, hash: Hash, user: &str, password: &str) -> Step {
        let client = ScramClient::new(hash, user, password);
        let mut server = Scram::new(hash);
        let server_first = match server.step(shared, &client.first_message()) {
            Step::Continue(m) => m,
            other => return other,
        };
        let (fin, client_final) = client.handle_server_first(&server_first).unwrap();
        let step = server.step(shared, &client_final);
        if let Step::Done { reply, .. } = &step {
            fin.verify_server_final(reply).unwrap();
        }
        step
    }

    #[test]
    fn the_right_password_authenticates_and_others_get_kafkas_message() {
        let shared = shared_with_alice();
        for hash in [Hash::Sha256, Hash::Sha512] {
            match exchange(&shared, hash, "alice", "alice-secret") {
                Step::Done { principal, .. } => assert_eq!(principal, "User:alice"),
                other => panic!("{other:?}"),
            }
            let want = format!(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism {}",
                hash.name()
            );
            for (user, password) in [("alice", "wrong"), ("zed", "alice-secret")] {
                match exchange(&shared, hash, user, password) {
                    Step::Fail(m) => assert_eq!(m, want),
                    other => panic!("{user}: {other:?}"),
                }
            }
        }
    }
}
