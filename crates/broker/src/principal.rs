//! Principals as Kafka names them: `User:<name>` for an authenticated client, and
//! `User:ANONYMOUS` for one that did not authenticate (PLAINTEXT, SSL without a client
//! certificate).

/// The principal of unauthenticated clients.
pub(crate) const ANONYMOUS: &str = "User:ANONYMOUS";

/// The principal of user `name`.
pub(crate) fn user(name: &str) -> String {
    format!("User:{name}")
}
