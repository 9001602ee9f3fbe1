//! Who may do what: Kafka's StandardAuthorizer over the stored ACLs (acl.rs), with super
//! users and `allow.everyone.if.no.acl.found`. Without `--authorizer` the broker behaves
//! as Kafka configured with `allow.everyone.if.no.acl.found=true` (ACLs, once a resource
//! has some, still apply); with it, as Kafka's default `false`: a resource no ACL covers is
//! denied to everyone but super users.

use std::collections::BTreeSet;

use crate::acl::{Acls, Requester};

/// How requests are authorized.
#[derive(Debug, Clone, Default)]
pub struct AuthorizerConfig {
    /// Deny what no ACL covers (Kafka's `allow.everyone.if.no.acl.found=false`).
    pub deny_without_acl: bool,
    /// Kafka's `super.users`: principals (`User:admin`) allowed everything.
    pub super_users: Vec<String>,
}

/// The authorizer the handlers ask.
#[derive(Debug, Default)]
pub(crate) struct Authorizer {
    allow_everyone_if_no_acl_found: bool,
    super_users: BTreeSet<String>,
}

impl Authorizer {
    /// The authorizer `config` describes.
    pub fn new(config: &AuthorizerConfig) -> Self {
        Self {
            allow_everyone_if_no_acl_found: !config.deny_without_acl,
            super_users: config.super_users.iter().cloned().collect(),
        }
    }

    /// May `principal` at `host` perform `operation` on resource `name` of `rtype`?
    pub fn allows(
        &self,
        acls: &Acls,
        principal: &str,
        host: &str,
        operation: i8,
        rtype: i8,
        name: &str,
    ) -> bool {
        if self.super_users.contains(principal) {
            return true;
        }
        let who = Requester { principal, host };
        acls.allows(
            &who,
            operation,
            rtype,
            name,
            self.allow_everyone_if_no_acl_found,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acl::{op, pattern, permission, resource, Acl};

    fn allow_read(topic: &str, principal: &str) -> Acl {
        Acl {
            resource_type: resource::TOPIC,
            resource_name: topic.into(),
            pattern_type: pattern::LITERAL,
            principal: principal.into(),
            host: "*".into(),
            operation: op::READ,
            permission: permission::ALLOW,
        }
    }

    #[test]
    fn acls_apply_to_the_authenticated_principal() {
        let acls = Acls::default();
        acls.add(allow_read("guarded", "User:alice"));
        let open = Authorizer::new(&AuthorizerConfig::default());
        let read = |a: &Authorizer, who: &str, t: &str| {
            a.allows(&acls, who, "127.0.0.1", op::READ, resource::TOPIC, t)
        };
        assert!(read(&open, "User:alice", "guarded"));
        assert!(!read(&open, "User:bob", "guarded"));
        assert!(!read(&open, "User:ANONYMOUS", "guarded"));
        assert!(read(&open, "User:bob", "elsewhere"), "no ACL: everyone");
        let strict = Authorizer::new(&AuthorizerConfig {
            deny_without_acl: true,
            super_users: vec!["User:admin".into()],
        });
        assert!(read(&strict, "User:alice", "guarded"));
        assert!(!read(&strict, "User:bob", "elsewhere"), "no ACL: nobody");
        assert!(read(&strict, "User:admin", "guarded"));
        assert!(read(&strict, "User:admin", "elsewhere"));
    }
}
