//! CreateAcls, DescribeAcls, DeleteAcls: the wire side of `broker::acl`.

use std::collections::BTreeMap;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::create_acls_response::AclCreationResult;
use kafka_protocol::messages::delete_acls_response::{
    DeleteAclsFilterResult, DeleteAclsMatchingAcl,
};
use kafka_protocol::messages::describe_acls_response::{AclDescription, DescribeAclsResource};
use kafka_protocol::messages::*;

use super::{sb, Ctx};
use crate::acl::{Acl, AclFilter};

/// CreateAcls: validates and stores each binding.
pub(crate) fn create_acls(ctx: &Ctx<'_>, req: CreateAclsRequest) -> CreateAclsResponse {
    let results = req
        .creations
        .into_iter()
        .map(|c| {
            let acl = Acl {
                resource_type: c.resource_type,
                resource_name: c.resource_name.to_string(),
                pattern_type: if ctx.version >= 1 {
                    c.resource_pattern_type
                } else {
                    3
                },
                principal: c.principal.to_string(),
                host: c.host.to_string(),
                operation: c.operation,
                permission: c.permission_type,
            };
            match acl.validate() {
                Ok(()) => {
                    tracing::info!(?acl, "ACL created");
                    ctx.shared.acls.add(acl);
                    AclCreationResult::default()
                }
                Err(msg) => AclCreationResult::default()
                    .with_error_code(ResponseError::InvalidRequest.code())
                    .with_error_message(Some(sb(msg))),
            }
        })
        .collect();
    CreateAclsResponse::default().with_results(results)
}

fn filter(
    resource_type: i8,
    name: Option<&str>,
    pattern_type: i8,
    principal: Option<&str>,
    host: Option<&str>,
    operation: i8,
    permission: i8,
) -> AclFilter {
    AclFilter {
        resource_type,
        resource_name: name.map(str::to_string),
        pattern_type,
        principal: principal.map(str::to_string),
        host: host.map(str::to_string),
        operation,
        permission,
    }
}

/// DescribeAcls: the bindings one filter matches, grouped by resource pattern.
pub(crate) fn describe_acls(ctx: &Ctx<'_>, req: DescribeAclsRequest) -> DescribeAclsResponse {
    let f = filter(
        req.resource_type_filter,
        req.resource_name_filter.as_deref(),
        if ctx.version >= 1 {
            req.pattern_type_filter
        } else {
            3
        },
        req.principal_filter.as_deref(),
        req.host_filter.as_deref(),
        req.operation,
        req.permission_type,
    );
    if let Err(msg) = f.validate() {
        return DescribeAclsResponse::default()
            .with_error_code(ResponseError::InvalidRequest.code())
            .with_error_message(Some(sb(msg)));
    }
    let mut by_resource: BTreeMap<(i8, String, i8), Vec<AclDescription>> = BTreeMap::new();
    for a in ctx.shared.acls.find(&f) {
        by_resource
            .entry((a.resource_type, a.resource_name.clone(), a.pattern_type))
            .or_default()
            .push(
                AclDescription::default()
                    .with_principal(sb(a.principal))
                    .with_host(sb(a.host))
                    .with_operation(a.operation)
                    .with_permission_type(a.permission),
            );
    }
    DescribeAclsResponse::default().with_resources(
        by_resource
            .into_iter()
            .map(|((rtype, name, ptype), acls)| {
                DescribeAclsResource::default()
                    .with_resource_type(rtype)
                    .with_resource_name(sb(name))
                    .with_pattern_type(ptype)
                    .with_acls(acls)
            })
            .collect(),
    )
}

/// DeleteAcls: removes what each filter matches and lists it.
pub(crate) fn delete_acls(ctx: &Ctx<'_>, req: DeleteAclsRequest) -> DeleteAclsResponse {
    let results = req
        .filters
        .into_iter()
        .map(|d| {
            let f = filter(
                d.resource_type_filter,
                d.resource_name_filter.as_deref(),
                if ctx.version >= 1 {
                    d.pattern_type_filter
                } else {
                    3
                },
                d.principal_filter.as_deref(),
                d.host_filter.as_deref(),
                d.operation,
                d.permission_type,
            );
            if let Err(msg) = f.validate() {
                return DeleteAclsFilterResult::default()
                    .with_error_code(ResponseError::InvalidRequest.code())
                    .with_error_message(Some(sb(msg)));
            }
            let gone = ctx.shared.acls.remove(&f);
            if !gone.is_empty() {
                tracing::info!(count = gone.len(), "ACLs deleted");
            }
            DeleteAclsFilterResult::default().with_matching_acls(
                gone.into_iter()
                    .map(|a| {
                        DeleteAclsMatchingAcl::default()
                            .with_resource_type(a.resource_type)
                            .with_resource_name(sb(a.resource_name))
                            .with_pattern_type(a.pattern_type)
                            .with_principal(sb(a.principal))
                            .with_host(sb(a.host))
                            .with_operation(a.operation)
                            .with_permission_type(a.permission)
                    })
                    .collect(),
            )
        })
        .collect();
    DeleteAclsResponse::default().with_filter_results(results)
}
