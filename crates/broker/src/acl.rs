//! ACLs and the authorizer, as Kafka's StandardAuthorizer behaves with
//! `allow.everyone.if.no.acl.found=true`: with no ACL on a resource everyone may do
//! everything; once a resource has ACLs, a request needs a matching ALLOW and no
//! matching DENY. With `--authorizer` (authorizer.rs) a resource without ACLs is denied
//! to all but super users, as Kafka's default `allow.everyone.if.no.acl.found=false`.

use std::sync::RwLock;

/// Kafka's resource type codes.
pub mod resource {
    /// Any type (filters only).
    pub const ANY: i8 = 1;
    /// A topic.
    pub const TOPIC: i8 = 2;
    /// A consumer group.
    pub const GROUP: i8 = 3;
    /// The cluster.
    pub const CLUSTER: i8 = 4;
    /// A user.
    pub const USER: i8 = 7;
}

/// Kafka's ACL operation codes.
pub mod op {
    /// Any operation (filters only).
    pub const ANY: i8 = 1;
    /// Every operation.
    pub const ALL: i8 = 2;
    /// Read (fetch, commit, join).
    pub const READ: i8 = 3;
    /// Write (produce).
    pub const WRITE: i8 = 4;
    /// Create topics.
    pub const CREATE: i8 = 5;
    /// Delete topics or groups.
    pub const DELETE: i8 = 6;
    /// Alter (e.g. partitions).
    pub const ALTER: i8 = 7;
    /// Describe (metadata, offsets).
    pub const DESCRIBE: i8 = 8;
    /// Describe configs.
    pub const DESCRIBE_CONFIGS: i8 = 10;
    /// Alter configs.
    pub const ALTER_CONFIGS: i8 = 11;
    /// The highest code Kafka defines (TWO_PHASE_COMMIT).
    pub const MAX: i8 = 15;
}

/// Pattern types.
pub mod pattern {
    /// Any pattern (filters only).
    pub const ANY: i8 = 1;
    /// Whatever would apply to the named resource (filters only).
    pub const MATCH: i8 = 2;
    /// The exact name, or `*` for every resource.
    pub const LITERAL: i8 = 3;
    /// Every resource whose name starts with this.
    pub const PREFIXED: i8 = 4;
}

/// Permission types.
pub mod permission {
    /// Any permission (filters only).
    pub const ANY: i8 = 1;
    /// Deny.
    pub const DENY: i8 = 2;
    /// Allow.
    pub const ALLOW: i8 = 3;
}

/// One ACL binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acl {
    /// Resource type code.
    pub resource_type: i8,
    /// Resource name (`*` for all with LITERAL).
    pub resource_name: String,
    /// LITERAL or PREFIXED.
    pub pattern_type: i8,
    /// `User:name` or `User:*`.
    pub principal: String,
    /// A host or `*`.
    pub host: String,
    /// Operation code.
    pub operation: i8,
    /// ALLOW or DENY.
    pub permission: i8,
}

/// A DescribeAcls / DeleteAcls filter; `None` strings match anything.
#[derive(Debug, Clone)]
pub struct AclFilter {
    /// Resource type, or ANY.
    pub resource_type: i8,
    /// Resource name, or any.
    pub resource_name: Option<String>,
    /// Pattern type, ANY or MATCH.
    pub pattern_type: i8,
    /// Principal, or any.
    pub principal: Option<String>,
    /// Host, or any.
    pub host: Option<String>,
    /// Operation, or ANY.
    pub operation: i8,
    /// Permission, or ANY.
    pub permission: i8,
}

impl Acl {
    /// Kafka's checks on a binding to create; `Err` is the INVALID_REQUEST message.
    pub fn validate(&self) -> Result<(), String> {
        if !(resource::TOPIC..=resource::USER).contains(&self.resource_type) {
            return Err(format!(
                "Invalid resource type {} in ACL binding",
                self.resource_type
            ));
        }
        if self.pattern_type != pattern::LITERAL && self.pattern_type != pattern::PREFIXED {
            return Err(format!(
                "Invalid pattern type {} in ACL binding",
                self.pattern_type
            ));
        }
        if self.resource_name.is_empty() {
            return Err("Resource name should not be empty".into());
        }
        if self.resource_type == resource::CLUSTER && self.resource_name != "kafka-cluster" {
            return Err("The only valid name for the CLUSTER resource is kafka-cluster".into());
        }
        if !(op::ALL..=op::MAX).contains(&self.operation) {
            return Err(format!(
                "Invalid operation {} in ACL binding",
                self.operation
            ));
        }
        if self.permission != permission::ALLOW && self.permission != permission::DENY {
            return Err(format!(
                "Invalid permission type {} in ACL binding",
                self.permission
            ));
        }
        if !self.principal.contains(':') {
            return Err(format!(
                "Could not parse principal from `{}` (no colon is present separating the principal type from the principal name)",
                self.principal
            ));
        }
        Ok(())
    }

    /// Whether this binding's resource pattern covers resource `name` of `rtype`.
    fn covers(&self, rtype: i8, name: &str) -> bool {
        self.resource_type == rtype
            && match self.pattern_type {
                pattern::LITERAL => self.resource_name == name || self.resource_name == "*",
                pattern::PREFIXED => name.starts_with(&self.resource_name),
                _ => false,
            }
    }
}

impl AclFilter {
    /// Kafka's filter matching (`AclBindingFilter.matches`).
    pub fn matches(&self, acl: &Acl) -> bool {
        let type_ok =
            self.resource_type == resource::ANY || self.resource_type == acl.resource_type;
        let pattern_ok = match self.pattern_type {
            pattern::ANY => self
                .resource_name
                .as_ref()
                .is_none_or(|n| *n == acl.resource_name),
            pattern::MATCH => self.resource_name.as_ref().is_none_or(|n| {
                acl.covers(acl.resource_type, n)
                    || (acl.pattern_type == pattern::LITERAL && *n == acl.resource_name)
            }),
            p => {
                p == acl.pattern_type
                    && self
                        .resource_name
                        .as_ref()
                        .is_none_or(|n| *n == acl.resource_name)
            }
        };
        let principal_ok = self.principal.as_ref().is_none_or(|p| *p == acl.principal);
        let host_ok = self.host.as_ref().is_none_or(|h| *h == acl.host);
        let op_ok = self.operation == op::ANY || self.operation == acl.operation;
        let perm_ok = self.permission == permission::ANY || self.permission == acl.permission;
        type_ok && pattern_ok && principal_ok && host_ok && op_ok && perm_ok
    }

    /// Kafka refuses filters that could never match (`UNKNOWN` codes).
    pub fn validate(&self) -> Result<(), String> {
        if self.resource_type < resource::ANY || self.resource_type > resource::USER {
            return Err(format!(
                "Invalid resource type filter {}",
                self.resource_type
            ));
        }
        if self.pattern_type < pattern::ANY || self.pattern_type > pattern::PREFIXED {
            return Err(format!("Invalid pattern type filter {}", self.pattern_type));
        }
        if self.operation < op::ANY || self.operation > op::MAX {
            return Err(format!("Invalid operation filter {}", self.operation));
        }
        if self.permission < permission::ANY || self.permission > permission::ALLOW {
            return Err(format!("Invalid permission filter {}", self.permission));
        }
        Ok(())
    }
}

/// The broker's ACLs.
#[derive(Debug, Default)]
pub struct Acls {
    bindings: RwLock<Vec<Acl>>,
}

impl Acls {
    /// Adds a binding (a duplicate is not stored twice).
    pub fn add(&self, acl: Acl) {
        let mut all = self.bindings.write().expect("acls lock");
        if !all.contains(&acl) {
            all.push(acl);
        }
    }

    /// The bindings a filter matches.
    pub fn find(&self, filter: &AclFilter) -> Vec<Acl> {
        self.bindings
            .read()
            .expect("acls lock")
            .iter()
            .filter(|a| filter.matches(a))
            .cloned()
            .collect()
    }

    /// Removes and returns the bindings a filter matches.
    pub fn remove(&self, filter: &AclFilter) -> Vec<Acl> {
        let mut all = self.bindings.write().expect("acls lock");
        let (gone, kept): (Vec<Acl>, Vec<Acl>) = all.drain(..).partition(|a| filter.matches(a));
        *all = kept;
        gone
    }

    /// May `principal` at `host` perform `operation` on resource `name` of `rtype`?
    /// `no_acl` is the answer for a resource no ACL covers (allow.everyone.if.no.acl.found).
    pub fn allows(
        &self,
        who: &Requester<'_>,
        operation: i8,
        rtype: i8,
        name: &str,
        no_acl: bool,
    ) -> bool {
        let all = self.bindings.read().expect("acls lock");
        let on_resource: Vec<&Acl> = all.iter().filter(|a| a.covers(rtype, name)).collect();
        if on_resource.is_empty() {
            return no_acl;
        }
        let applies = |a: &&&Acl| {
            (a.principal == who.principal || a.principal == "User:*")
                && (a.host == "*" || a.host == who.host)
        };
        let denied = on_resource.iter().filter(applies).any(|a| {
            a.permission == permission::DENY && (a.operation == op::ALL || a.operation == operation)
        });
        if denied {
            return false;
        }
        on_resource.iter().filter(applies).any(|a| {
            a.permission == permission::ALLOW
                && (a.operation == op::ALL
                    || a.operation == operation
                    || implies(a.operation, operation))
        })
    }
}

/// Who asks: an authenticated principal (`User:alice`) from a host (an IP address).
#[derive(Debug, Clone, Copy)]
pub struct Requester<'a> {
    /// `User:<name>`.
    pub principal: &'a str,
    /// The client's IP address.
    pub host: &'a str,
}

/// Kafka's implied operations: READ, WRITE, DELETE and ALTER allow DESCRIBE;
/// ALTER_CONFIGS allows DESCRIBE_CONFIGS.
fn implies(granted: i8, wanted: i8) -> bool {
    match wanted {
        op::DESCRIBE => matches!(granted, op::READ | op::WRITE | op::DELETE | op::ALTER),
        op::DESCRIBE_CONFIGS => granted == op::ALTER_CONFIGS,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What ANONYMOUS may do with allow.everyone.if.no.acl.found=true.
    fn anon_may(acls: &Acls, host: &str, operation: i8, rtype: i8, name: &str) -> bool {
        let who = Requester {
            principal: "User:ANONYMOUS",
            host,
        };
        acls.allows(&who, operation, rtype, name, true)
    }

    fn acl(name: &str, pattern_type: i8, operation: i8, permission: i8) -> Acl {
        Acl {
            resource_type: resource::TOPIC,
            resource_name: name.into(),
            pattern_type,
            principal: "User:*".into(),
            host: "*".into(),
            operation,
            permission,
        }
    }

    #[test]
    fn no_acls_on_a_resource_allows_everything() {
        let acls = Acls::default();
        assert!(anon_may(
            &acls,
            "127.0.0.1",
            op::WRITE,
            resource::TOPIC,
            "t"
        ));
        acls.add(acl("other", pattern::LITERAL, op::ALL, permission::DENY));
        assert!(anon_may(
            &acls,
            "127.0.0.1",
            op::WRITE,
            resource::TOPIC,
            "t"
        ));
        assert!(!anon_may(
            &acls,
            "127.0.0.1",
            op::WRITE,
            resource::TOPIC,
            "other"
        ));
    }

    #[test]
    fn deny_wins_and_describe_is_implied_by_read() {
        let acls = Acls::default();
        acls.add(acl("t", pattern::LITERAL, op::DESCRIBE, permission::ALLOW));
        acls.add(acl("t", pattern::LITERAL, op::READ, permission::DENY));
        assert!(anon_may(&acls, "h", op::DESCRIBE, resource::TOPIC, "t"));
        assert!(!anon_may(&acls, "h", op::READ, resource::TOPIC, "t"));
        assert!(
            !anon_may(&acls, "h", op::WRITE, resource::TOPIC, "t"),
            "ACLs exist, none allow"
        );
        let acls = Acls::default();
        acls.add(acl("pre", pattern::PREFIXED, op::READ, permission::ALLOW));
        assert!(anon_may(
            &acls,
            "h",
            op::DESCRIBE,
            resource::TOPIC,
            "prefix-topic"
        ));
    }

    #[test]
    fn filters_find_and_remove() {
        let acls = Acls::default();
        acls.add(acl("a", pattern::LITERAL, op::READ, permission::ALLOW));
        acls.add(acl("b", pattern::PREFIXED, op::WRITE, permission::DENY));
        let any = AclFilter {
            resource_type: resource::ANY,
            resource_name: None,
            pattern_type: pattern::ANY,
            principal: None,
            host: None,
            operation: op::ANY,
            permission: permission::ANY,
        };
        assert_eq!(acls.find(&any).len(), 2);
        let matching_b = AclFilter {
            resource_name: Some("bee".into()),
            pattern_type: pattern::MATCH,
            ..any.clone()
        };
        assert_eq!(acls.find(&matching_b).len(), 1);
        assert_eq!(
            acls.remove(&AclFilter {
                operation: op::READ,
                ..any.clone()
            })
            .len(),
            1
        );
        assert_eq!(acls.find(&any).len(), 1);
    }
}
