//! DescribeUserScramCredentials and AlterUserScramCredentials (KIP-554): credentials are
//! stored and described as Kafka does, and SASL/SCRAM authenticates with them.

use std::collections::BTreeMap;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::alter_user_scram_credentials_response::AlterUserScramCredentialsResult;
use kafka_protocol::messages::describe_user_scram_credentials_response::{
    CredentialInfo, DescribeUserScramCredentialsResult,
};
use kafka_protocol::messages::*;

use super::{sb, Ctx};

/// Kafka's bounds on SCRAM iterations.
const MIN_ITERATIONS: i32 = 4096;
const MAX_ITERATIONS: i32 = 16384;

/// One user's credential for one SCRAM mechanism, as KIP-554 carries it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ScramCredential {
    /// Hi()'s iteration count.
    pub iterations: i32,
    /// The salt.
    pub salt: Vec<u8>,
    /// Hi(password, salt, iterations).
    pub salted_password: Vec<u8>,
}

// Salted passwords stay out of logs.
impl std::fmt::Debug for ScramCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScramCredential")
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

/// Users' SCRAM credentials: user → mechanism (1 SHA-256, 2 SHA-512) → credential.
pub(crate) type ScramStore = std::sync::Mutex<BTreeMap<String, BTreeMap<i8, ScramCredential>>>;

/// DescribeUserScramCredentials.
pub(crate) fn describe(
    ctx: &Ctx<'_>,
    req: DescribeUserScramCredentialsRequest,
) -> DescribeUserScramCredentialsResponse {
    let store = ctx.shared.scram.lock().unwrap_or_else(|e| e.into_inner());
    // "null/empty to describe all users" (the request's schema); Kafka's tools send empty.
    let names: Vec<String> = match &req.users {
        Some(users) if !users.is_empty() => users.iter().map(|u| u.name.to_string()).collect(),
        _ => store.keys().cloned().collect(),
    };
    let results = names
        .iter()
        .map(|user| {
            let r = DescribeUserScramCredentialsResult::default().with_user(sb(user.clone()));
            if names.iter().filter(|n| *n == user).count() > 1 {
                return r
                    .with_error_code(ResponseError::DuplicateResource.code())
                    .with_error_message(Some(sb(format!(
                        "Cannot describe SCRAM credentials for the same user twice in a single request: {user}"
                    ))));
            }
            match store.get(user) {
                None => r.with_error_code(ResponseError::ResourceNotFound.code()).with_error_message(Some(sb(
                    format!("Attempt to describe a user credential that does not exist: {user}"),
                ))),
                Some(creds) => r.with_credential_infos(
                    creds
                        .iter()
                        .map(|(m, c)| {
                            CredentialInfo::default()
                                .with_mechanism(*m)
                                .with_iterations(c.iterations)
                        })
                        .collect(),
                ),
            }
        })
        .collect();
    DescribeUserScramCredentialsResponse::default().with_results(results)
}

/// AlterUserScramCredentials: deletions and upsertions, one result per user.
pub(crate) fn alter(
    ctx: &Ctx<'_>,
    req: AlterUserScramCredentialsRequest,
) -> AlterUserScramCredentialsResponse {
    let mut store = ctx.shared.scram.lock().unwrap_or_else(|e| e.into_inner());
    let mut outcome: BTreeMap<String, (i16, Option<String>)> = BTreeMap::new();
    for d in &req.deletions {
        let user = d.name.to_string();
        let result = if !(1..=2).contains(&d.mechanism) {
            (
                ResponseError::UnsupportedSaslMechanism.code(),
                Some("Unknown SCRAM mechanism".to_string()),
            )
        } else if store
            .get_mut(&user)
            .and_then(|c| c.remove(&d.mechanism))
            .is_none()
        {
            (
                ResponseError::ResourceNotFound.code(),
                Some("Attempt to delete a user credential that does not exist".to_string()),
            )
        } else {
            store.retain(|_, c| !c.is_empty());
            (0, None)
        };
        outcome.entry(user).or_insert(result);
    }
    for u in &req.upsertions {
        let user = u.name.to_string();
        let result = if user.is_empty() {
            (
                ResponseError::UnacceptableCredential.code(),
                Some("Username must not be empty".to_string()),
            )
        } else if !(1..=2).contains(&u.mechanism) {
            (
                ResponseError::UnsupportedSaslMechanism.code(),
                Some("Unknown SCRAM mechanism".to_string()),
            )
        } else if u.iterations < MIN_ITERATIONS {
            (
                ResponseError::UnacceptableCredential.code(),
                Some("Too few iterations".to_string()),
            )
        } else if u.iterations > MAX_ITERATIONS {
            (
                ResponseError::UnacceptableCredential.code(),
                Some("Too many iterations".to_string()),
            )
        } else {
            let credential = ScramCredential {
                iterations: u.iterations,
                salt: u.salt.to_vec(),
                salted_password: u.salted_password.to_vec(),
            };
            store
                .entry(user.clone())
                .or_default()
                .insert(u.mechanism, credential);
            (0, None)
        };
        outcome.entry(user).or_insert(result);
    }
    AlterUserScramCredentialsResponse::default().with_results(
        outcome
            .into_iter()
            .map(|(user, (code, message))| {
                AlterUserScramCredentialsResult::default()
                    .with_user(sb(user))
                    .with_error_code(code)
                    .with_error_message(message.map(sb))
            })
            .collect(),
    )
}
