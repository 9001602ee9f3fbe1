//! SASL/PLAIN (RFC 4616) on the server side, with Kafka's checks and messages.

use super::{Mechanism, Step};
use crate::Shared;

/// One PLAIN exchange: a single client message, checked against the configured users.
#[derive(Debug, Default)]
pub(crate) struct Plain;

impl Mechanism for Plain {
    fn name(&self) -> &'static str {
        "PLAIN"
    }

    fn step(&mut self, shared: &Shared, token: &[u8]) -> Step {
        let text = String::from_utf8_lossy(token);
        let parts: Vec<&str> = text.split('\u{0}').collect();
        let [authzid, user, password] = parts[..] else {
            return Step::Fail(format!(
                "Invalid SASL/PLAIN response: expected 3 tokens, got {}",
                parts.len()
            ));
        };
        if user.is_empty() {
            return Step::Fail("Authentication failed: username not specified".into());
        }
        if password.is_empty() {
            return Step::Fail("Authentication failed: password not specified".into());
        }
        if !authzid.is_empty() && authzid != user {
            return Step::Fail(
                "Authentication failed: Client requested an authorization id that is different from username"
                    .into(),
            );
        }
        if !shared.users.plain_matches(user, password) {
            return Step::Fail("Authentication failed: Invalid username or password".into());
        }
        Step::Done {
            principal: crate::principal::user(user),
            reply: Vec::new(),
        }
    }
}
