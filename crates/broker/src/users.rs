//! The broker's SASL users: names and passwords from `--user NAME:PASSWORD` and
//! `--users-file`, checked by PLAIN (SCRAM credentials live in the SCRAM store, where
//! AlterUserScramCredentials puts them too). Passwords are never logged or shown.

use std::collections::BTreeMap;

/// A user name and password.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// The name (the principal is `User:<name>`).
    pub name: String,
    /// The password.
    pub password: String,
}

// The password stays out of debug output (logs, panics).
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl std::str::FromStr for User {
    type Err = String;

    /// `NAME:PASSWORD` (the password may hold colons; the name may not).
    fn from_str(spec: &str) -> Result<Self, String> {
        match spec.split_once(':') {
            Some((name, password)) if !name.is_empty() && !password.is_empty() => Ok(User {
                name: name.to_string(),
                password: password.to_string(),
            }),
            // The spec holds a password: the message must not repeat it.
            _ => Err("a user is NAME:PASSWORD, both non-empty".into()),
        }
    }
}

/// Reads a users file: one `NAME:PASSWORD` a line; blank lines and lines starting with
/// `#` are skipped. Errors name the line, never its content.
pub fn parse_users_file(text: &str) -> Result<Vec<User>, String> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(n, l)| l.parse().map_err(|e| format!("line {n}: {e}")))
        .collect()
}

/// PLAIN users by name.
#[derive(Debug, Default)]
pub(crate) struct Users {
    plain: BTreeMap<String, User>,
}

impl Users {
    /// The users given at start (a later entry for a name replaces an earlier one).
    pub fn new(users: &[User]) -> Self {
        Self {
            plain: users.iter().map(|u| (u.name.clone(), u.clone())).collect(),
        }
    }

    /// Whether `password` is `user`'s (compared in constant time).
    pub fn plain_matches(&self, user: &str, password: &str) -> bool {
        self.plain.get(user).is_some_and(|u| {
            u.password.len() == password.len()
                && openssl::memcmp::eq(u.password.as_bytes(), password.as_bytes())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_file_lines_and_errors() {
        let users = parse_users_file("# test users\nalice:alice-secret\n\n  bob:b:c  \n").unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(users[1].name, "bob");
        assert_eq!(users[1].password, "b:c");
        let err = parse_users_file("alice:x\nhunter2\n").unwrap_err();
        assert_eq!(err, "line 2: a user is NAME:PASSWORD, both non-empty");
        assert!(!format!("{:?}", users[0]).contains("alice-secret"));
    }

    #[test]
    fn plain_passwords_match_exactly() {
        let u = Users::new(&parse_users_file("alice:alice-secret").unwrap());
        assert!(u.plain_matches("alice", "alice-secret"));
        assert!(!u.plain_matches("alice", "alice-secre"));
        assert!(!u.plain_matches("bob", "alice-secret"));
    }
}
