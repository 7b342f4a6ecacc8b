//! Every operation of Astro API v1, called through the generated clients (`astro-platform` and
//! `astro-iam`, both generated from the v1 document) against the sandbox: each answers its
//! success status with a body that decodes into the generated type. Request bodies are samples
//! of the document's own request schemas, read at test time. With `--features v1beta1` the
//! deprecated v1beta1 clients are called the same way against the v1beta1 documents.

use std::collections::BTreeSet;
use std::io::Read;

use astro_api_core::Runtime;
use astro_iam::types as iam_types;
use astro_platform::types as platform_types;
use astro_sandbox::Sandbox;
use astro_spec::Document;
use astro_spec::samples::sample;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A sample request body for `operation_id`, decoded into the generated request type.
fn body<T: DeserializeOwned>(document: &Document, operation_id: &str) -> T {
    let operation = document
        .operations()
        .into_iter()
        .find(|op| op.id == operation_id)
        .unwrap_or_else(|| panic!("{operation_id} is in the document"));
    let schema = operation.request_body.expect("the operation takes a body");
    serde_json::from_value(sample(document, &schema))
        .unwrap_or_else(|e| panic!("{operation_id} body: {e}"))
}

/// A sample request body with some fields replaced: role updates must name roles the subject
/// can hold (the sandbox refuses `"string"` as an organization role, as the service would).
fn body_with<T: DeserializeOwned>(document: &Document, operation_id: &str, fields: Value) -> T {
    let operation = document
        .operations()
        .into_iter()
        .find(|op| op.id == operation_id)
        .unwrap_or_else(|| panic!("{operation_id} is in the document"));
    let schema = operation.request_body.expect("the operation takes a body");
    let mut value = sample(document, &schema);
    if let (Value::Object(body), Value::Object(fields)) = (&mut value, fields) {
        body.extend(fields);
    }
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{operation_id} body: {e}"))
}

/// Role fields every subject can hold.
fn member() -> Value {
    json!({"organizationRole": "ORGANIZATION_MEMBER"})
}

/// The first allowed value of a query parameter's enum.
fn first_enum(document: &Document, operation_id: &str, parameter: &str) -> String {
    let operation = document
        .operations()
        .into_iter()
        .find(|op| op.id == operation_id)
        .unwrap();
    let schema = operation.parameter(parameter).unwrap().schema.clone();
    document.resolve(&schema)["enum"][0]
        .as_str()
        .unwrap()
        .to_string()
}

/// A `reqwest` client that sends a bearer token, as the sandbox asks.
fn http() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", "Bearer sandbox".parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_operation_answers_a_body_the_generated_types_decode() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = format!("{}/v1", sandbox.url());
    assert_eq!(sandbox.api_url("astro").as_deref(), Some(base.as_str()));
    let platform = astro_platform::Client::new_with_client(&base, http(), Runtime::new());
    let iam = astro_iam::Client::new_with_client(&base, http(), Runtime::new());
    let doc = Document::parse(astro_platform::SPEC_YAML.as_bytes()).unwrap();
    let org = sandbox.organization_id().to_string();
    let mut called: BTreeSet<&str> = BTreeSet::new();
    macro_rules! call {
        ($id:literal, $builder:expr) => {{
            // Boxed: the futures of 75 calls in one async fn overflow a debug build's stack.
            let result = Box::pin($builder.call()).await;
            called.insert($id);
            match result {
                Ok(value) => value,
                Err(error) => panic!("{}: {error}", $id),
            }
        }};
    }

    // Organizations and options.
    let organizations = call!("ListOrganizations", platform.list_organizations());
    assert_eq!(organizations.organizations[0].id, org);
    call!(
        "GetOrganization",
        platform.get_organization().organization_id(&org)
    );
    let update: platform_types::UpdateOrganizationRequest = body(&doc, "UpdateOrganization");
    call!(
        "UpdateOrganization",
        platform
            .update_organization()
            .organization_id(&org)
            .body(update)
    );
    let kind = first_enum(&doc, "GetClusterOptions", "type");
    call!(
        "GetClusterOptions",
        platform
            .get_cluster_options()
            .organization_id(&org)
            .type_(kind.as_str())
    );
    call!(
        "GetDeploymentOptions",
        platform.get_deployment_options().organization_id(&org)
    );
    let audit = call!(
        "GetOrganizationAuditLogs",
        platform.get_organization_audit_logs().organization_id(&org)
    );
    let mut ndjson = String::new();
    flate2::read::GzDecoder::new(&audit[..])
        .read_to_string(&mut ndjson)
        .expect("gzip");
    for line in ndjson.lines() {
        let record: serde_json::Value = serde_json::from_str(line).expect("a JSON record");
        assert_eq!(record["organizationId"], org.as_str());
    }

    // Clusters.
    let create: platform_types::CreateClusterRequest = body(&doc, "CreateCluster");
    let cluster = call!(
        "CreateCluster",
        platform.create_cluster().organization_id(&org).body(create)
    )
    .id;
    let listed = call!(
        "ListClusters",
        platform.list_clusters().organization_id(&org)
    );
    assert_eq!(listed.total_count, 1);
    call!(
        "GetCluster",
        platform
            .get_cluster()
            .organization_id(&org)
            .cluster_id(&cluster)
    );
    let update: platform_types::UpdateClusterRequest = body(&doc, "UpdateCluster");
    call!(
        "UpdateCluster",
        platform
            .update_cluster()
            .organization_id(&org)
            .cluster_id(&cluster)
            .body(update)
    );

    // Workspaces.
    let create: platform_types::CreateWorkspaceRequest = body(&doc, "CreateWorkspace");
    let workspace = call!(
        "CreateWorkspace",
        platform
            .create_workspace()
            .organization_id(&org)
            .body(create)
    )
    .id;
    let listed = call!(
        "ListWorkspaces",
        platform.list_workspaces().organization_id(&org)
    );
    assert_eq!(
        listed.total_count, 2,
        "the default workspace and the new one"
    );
    call!(
        "GetWorkspace",
        platform
            .get_workspace()
            .organization_id(&org)
            .workspace_id(&workspace)
    );
    let update: platform_types::UpdateWorkspaceRequest = body(&doc, "UpdateWorkspace");
    call!(
        "UpdateWorkspace",
        platform
            .update_workspace()
            .organization_id(&org)
            .workspace_id(&workspace)
            .body(update)
    );

    // Deployments, their agent tokens and logs, and deploys.
    let create: platform_types::CreateDeploymentRequest = body(&doc, "CreateDeployment");
    let deployment = call!(
        "CreateDeployment",
        platform
            .create_deployment()
            .organization_id(&org)
            .body(create)
    )
    .id;
    call!(
        "ListDeployments",
        platform.list_deployments().organization_id(&org)
    );
    call!(
        "GetDeployment",
        platform
            .get_deployment()
            .organization_id(&org)
            .deployment_id(&deployment)
    );
    let update: platform_types::UpdateDeploymentRequest = body(&doc, "UpdateDeployment");
    call!(
        "UpdateDeployment",
        platform
            .update_deployment()
            .organization_id(&org)
            .deployment_id(&deployment)
            .body(update)
    );
    let create: platform_types::CreateAgentTokenRequest = body(&doc, "CreateAgentToken");
    let agent_token = call!(
        "CreateAgentToken",
        platform
            .create_agent_token()
            .organization_id(&org)
            .deployment_id(&deployment)
            .body(create)
    )
    .id;
    let tokens = call!(
        "ListAgentTokens",
        platform
            .list_agent_tokens()
            .organization_id(&org)
            .deployment_id(&deployment)
    );
    assert_eq!(tokens.tokens[0].id, agent_token);
    call!(
        "GetAgentToken",
        platform
            .get_agent_token()
            .organization_id(&org)
            .deployment_id(&deployment)
            .agent_token_id(&agent_token)
    );
    call!(
        "DeleteAgentToken",
        platform
            .delete_agent_token()
            .organization_id(&org)
            .deployment_id(&deployment)
            .agent_token_id(&agent_token)
    );
    let sources = vec![serde_json::from_value(json!("scheduler")).unwrap()];
    let logs = call!(
        "GetDeploymentLogs",
        platform
            .get_deployment_logs()
            .organization_id(&org)
            .deployment_id(&deployment)
            .sources(sources)
    );
    assert_eq!(logs.results.len(), 3);
    assert_eq!(logs.result_count, Some(3));
    let create: platform_types::CreateDeployRequest = body(&doc, "CreateDeploy");
    let deploy = call!(
        "CreateDeploy",
        platform
            .create_deploy()
            .organization_id(&org)
            .deployment_id(&deployment)
            .body(create)
    )
    .id;
    let deploys = call!(
        "ListDeploys",
        platform
            .list_deploys()
            .organization_id(&org)
            .deployment_id(&deployment)
    );
    assert_eq!(deploys.deploys[0].id, deploy);
    call!(
        "GetDeploy",
        platform
            .get_deploy()
            .organization_id(&org)
            .deployment_id(&deployment)
            .deploy_id(&deploy)
    );
    let update: platform_types::UpdateDeployRequest = body(&doc, "UpdateDeploy");
    call!(
        "UpdateDeploy",
        platform
            .update_deploy()
            .organization_id(&org)
            .deployment_id(&deployment)
            .deploy_id(&deploy)
            .body(update)
    );
    let finalize: platform_types::FinalizeDeployRequest = body(&doc, "FinalizeDeploy");
    call!(
        "FinalizeDeploy",
        platform
            .finalize_deploy()
            .organization_id(&org)
            .deployment_id(&deployment)
            .deploy_id(&deploy)
            .body(finalize)
    );
    let rollback: platform_types::DeployRollbackRequest = body(&doc, "DeployRollback");
    call!(
        "DeployRollback",
        platform
            .deploy_rollback()
            .organization_id(&org)
            .deployment_id(&deployment)
            .deploy_id(&deploy)
            .body(rollback)
    );
    let hibernate: platform_types::OverrideDeploymentHibernationBody =
        body(&doc, "UpdateDeploymentHibernationOverride");
    call!(
        "UpdateDeploymentHibernationOverride",
        platform
            .update_deployment_hibernation_override()
            .organization_id(&org)
            .deployment_id(&deployment)
            .body(hibernate)
    );
    call!(
        "DeleteDeploymentHibernationOverride",
        platform
            .delete_deployment_hibernation_override()
            .organization_id(&org)
            .deployment_id(&deployment)
    );

    // Environment objects.
    let create: platform_types::CreateEnvironmentObjectRequest =
        body(&doc, "CreateEnvironmentObject");
    let object = call!(
        "CreateEnvironmentObject",
        platform
            .create_environment_object()
            .organization_id(&org)
            .body(create)
    )
    .id;
    let objects = call!(
        "ListEnvironmentObjects",
        platform.list_environment_objects().organization_id(&org)
    );
    assert_eq!(
        objects.environment_objects[0].id.as_deref(),
        Some(object.as_str())
    );
    call!(
        "GetEnvironmentObject",
        platform
            .get_environment_object()
            .organization_id(&org)
            .environment_object_id(&object)
    );
    let update: platform_types::UpdateEnvironmentObjectRequest =
        body(&doc, "UpdateEnvironmentObject");
    call!(
        "UpdateEnvironmentObject",
        platform
            .update_environment_object()
            .organization_id(&org)
            .environment_object_id(&object)
            .body(update)
    );
    let exclude: platform_types::ExcludeLinkEnvironmentObjectRequest =
        body(&doc, "ExcludeLinkingEnvironmentObject");
    call!(
        "ExcludeLinkingEnvironmentObject",
        platform
            .exclude_linking_environment_object()
            .organization_id(&org)
            .environment_object_id(&object)
            .body(exclude)
    );
    call!(
        "DeleteEnvironmentObject",
        platform
            .delete_environment_object()
            .organization_id(&org)
            .environment_object_id(&object)
    );

    // IAM: the caller, permission groups, allowed IP ranges, invites.
    let me = call!("GetSelfUser", iam.get_self_user()).id;
    call!("ListPermissionGroups", iam.list_permission_groups());
    let create: iam_types::CreateAllowedIpAddressRangeRequest =
        body(&doc, "CreateAllowedIpAddressRange");
    let range = call!(
        "CreateAllowedIpAddressRange",
        iam.create_allowed_ip_address_range()
            .organization_id(&org)
            .body(create)
    )
    .id;
    call!(
        "ListAllowedIpAddressRanges",
        iam.list_allowed_ip_address_ranges().organization_id(&org)
    );
    call!(
        "DeleteAllowedIpAddressRange",
        iam.delete_allowed_ip_address_range()
            .organization_id(&org)
            .allowed_ip_address_range_id(&range)
    );
    let create: iam_types::BulkCreateAllowedIpAddressRangesRequest =
        serde_json::from_value(json!({"allowedIpAddressRanges": ["10.0.0.0/8", "10.1.0.0/16"]}))
            .unwrap();
    let ranges = call!(
        "BulkCreateAllowedIpAddressRanges",
        iam.bulk_create_allowed_ip_address_ranges()
            .organization_id(&org)
            .body(create)
    );
    assert_eq!(ranges.allowed_ip_address_ranges.len(), 2);
    let ids: Vec<String> = ranges
        .allowed_ip_address_ranges
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let delete: iam_types::BulkDeleteAllowedIpAddressRangesRequest =
        serde_json::from_value(json!({ "allowedIpAddressRangeIds": ids })).unwrap();
    call!(
        "BulkDeleteAllowedIpAddressRanges",
        iam.bulk_delete_allowed_ip_address_ranges()
            .organization_id(&org)
            .body(delete)
    );
    let create: iam_types::CreateUserInviteRequest = body(&doc, "CreateUserInvite");
    let invite = call!(
        "CreateUserInvite",
        iam.create_user_invite().organization_id(&org).body(create)
    )
    .invite_id;
    call!(
        "DeleteUserInvite",
        iam.delete_user_invite()
            .organization_id(&org)
            .invite_id(&invite)
    );

    // Roles.
    call!(
        "ListRoleTemplates",
        iam.list_role_templates().organization_id(&org)
    );
    let create: iam_types::CreateCustomRoleRequest = body(&doc, "CreateCustomRole");
    let role = call!(
        "CreateCustomRole",
        iam.create_custom_role().organization_id(&org).body(create)
    )
    .id;
    let roles = call!("ListRoles", iam.list_roles().organization_id(&org));
    assert_eq!(roles.roles[0].id, role);
    call!(
        "GetCustomRole",
        iam.get_custom_role().organization_id(&org).role_id(&role)
    );
    let update: iam_types::UpdateCustomRoleRequest = body(&doc, "UpdateCustomRole");
    call!(
        "UpdateCustomRole",
        iam.update_custom_role()
            .organization_id(&org)
            .custom_role_id(&role)
            .body(update)
    );

    // Teams, their members, and the teams of a user.
    let create: iam_types::CreateTeamRequest = body(&doc, "CreateTeam");
    let team = call!(
        "CreateTeam",
        iam.create_team().organization_id(&org).body(create)
    )
    .id;
    call!("ListTeams", iam.list_teams().organization_id(&org));
    call!(
        "GetTeam",
        iam.get_team().organization_id(&org).team_id(&team)
    );
    let update: iam_types::UpdateTeamRequest = body(&doc, "UpdateTeam");
    call!(
        "UpdateTeam",
        iam.update_team()
            .organization_id(&org)
            .team_id(&team)
            .body(update)
    );
    let add: iam_types::AddTeamMembersRequest =
        serde_json::from_value(json!({ "memberIds": [me.clone()] })).unwrap();
    call!(
        "AddTeamMembers",
        iam.add_team_members()
            .organization_id(&org)
            .team_id(&team)
            .body(add)
    );
    let listed = call!(
        "ListTeamMembers",
        iam.list_team_members().organization_id(&org).team_id(&team)
    );
    assert_eq!(listed.team_members[0].user_id, me);
    let mine = call!(
        "ListUserTeams",
        iam.list_user_teams().organization_id(&org).user_id(&me)
    );
    assert_eq!(mine.teams[0].id, team);
    call!(
        "RemoveTeamMember",
        iam.remove_team_member()
            .organization_id(&org)
            .team_id(&team)
            .member_id(&me)
    );
    let roles: iam_types::UpdateTeamRolesRequest = body_with(&doc, "UpdateTeamRoles", member());
    call!(
        "UpdateTeamRoles",
        iam.update_team_roles()
            .organization_id(&org)
            .team_id(&team)
            .body(roles)
    );

    // API tokens.
    let create: iam_types::CreateApiTokenRequest = body(&doc, "CreateApiToken");
    let token = call!(
        "CreateApiToken",
        iam.create_api_token().organization_id(&org).body(create)
    )
    .id;
    call!("ListApiTokens", iam.list_api_tokens().organization_id(&org));
    call!(
        "GetApiToken",
        iam.get_api_token().organization_id(&org).token_id(&token)
    );
    let update: iam_types::UpdateApiTokenRequest = body(&doc, "UpdateApiToken");
    call!(
        "UpdateApiToken",
        iam.update_api_token()
            .organization_id(&org)
            .token_id(&token)
            .body(update)
    );
    let roles: iam_types::UpdateApiTokenRolesRequest = body(&doc, "UpdateApiTokenRoles");
    call!(
        "UpdateApiTokenRoles",
        iam.update_api_token_roles()
            .organization_id(&org)
            .token_id(&token)
            .body(roles)
    );
    call!(
        "RotateApiToken",
        iam.rotate_api_token()
            .organization_id(&org)
            .token_id(&token)
    );

    // Users.
    let users = format!("/v1/organizations/{org}/users");
    let user = sandbox.seed(&users, json!({})).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let listed = call!("ListUsers", iam.list_users().organization_id(&org));
    assert_eq!(listed.users.len(), 2, "the default user and the seeded one");
    assert_eq!(listed.users[0].id, me);
    assert_eq!(listed.users[1].id, user);
    call!(
        "GetUser",
        iam.get_user().organization_id(&org).user_id(&user)
    );
    let roles: iam_types::UpdateUserRolesRequest = body_with(&doc, "UpdateUserRoles", member());
    call!(
        "UpdateUserRoles",
        iam.update_user_roles()
            .organization_id(&org)
            .user_id(&user)
            .body(roles)
    );

    // Deletes last, then a read that must now fail with 404.
    call!(
        "DeleteApiToken",
        iam.delete_api_token()
            .organization_id(&org)
            .token_id(&token)
    );
    call!(
        "DeleteTeam",
        iam.delete_team().organization_id(&org).team_id(&team)
    );
    call!(
        "DeleteCustomRole",
        iam.delete_custom_role()
            .organization_id(&org)
            .custom_role_id(&role)
    );
    call!(
        "DeleteDeployment",
        platform
            .delete_deployment()
            .organization_id(&org)
            .deployment_id(&deployment)
    );
    call!(
        "DeleteWorkspace",
        platform
            .delete_workspace()
            .organization_id(&org)
            .workspace_id(&workspace)
    );
    call!(
        "DeleteCluster",
        platform
            .delete_cluster()
            .organization_id(&org)
            .cluster_id(&cluster)
    );
    let gone = iam
        .get_api_token()
        .organization_id(&org)
        .token_id(&token)
        .call()
        .await
        .unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));

    let documented: BTreeSet<String> = doc.operation_ids().into_iter().collect();
    assert_eq!(documented.len(), 75);
    let called: BTreeSet<String> = called.into_iter().map(str::to_string).collect();
    assert_eq!(
        called, documented,
        "every documented operation is called once here"
    );
    let served: BTreeSet<String> = sandbox
        .operation_ids()
        .into_iter()
        .filter(|name| !name.contains(':'))
        .collect();
    assert_eq!(
        served, documented,
        "the sandbox serves exactly the documented operations"
    );
    for request in sandbox.requests() {
        assert_eq!(
            (request.api.as_deref(), request.operation_id.is_some()),
            (Some("astro"), true),
            "{} {} was not routed to v1",
            request.method,
            request.path
        );
    }
}

/// The deprecated v1beta1 clients against the sandbox's v1beta1 documents.
#[cfg(feature = "v1beta1")]
mod v1beta1 {
    use std::collections::BTreeSet;

    use astro_api_core::Runtime;
    use astro_iam::v1beta1::types as iam_types;
    use astro_platform::v1beta1::types as platform_types;
    use astro_sandbox::Sandbox;
    use astro_spec::Document;
    use serde_json::json;

    use super::{body, body_with, first_enum, member};

    #[tokio::test]
    async fn every_v1beta1_operation_answers_a_body_the_generated_types_decode() {
        let sandbox = Sandbox::start().await.unwrap();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("authorization", "Bearer sandbox".parse().unwrap());
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        let platform = astro_platform::v1beta1::Client::new_with_client(
            &format!("{}/platform/v1beta1", sandbox.url()),
            http.clone(),
            Runtime::new(),
        );
        let iam = astro_iam::v1beta1::Client::new_with_client(
            &format!("{}/iam/v1beta1", sandbox.url()),
            http,
            Runtime::new(),
        );
        let pdoc = Document::parse(astro_platform::v1beta1::SPEC_YAML.as_bytes()).unwrap();
        let idoc = Document::parse(astro_iam::v1beta1::SPEC_YAML.as_bytes()).unwrap();
        let org = sandbox.organization_id().to_string();
        let mut called: BTreeSet<&str> = BTreeSet::new();
        macro_rules! call {
            ($id:literal, $builder:expr) => {{
                // Boxed: the futures of 75 calls in one async fn overflow a debug build's stack.
                let result = Box::pin($builder.call()).await;
                called.insert($id);
                match result {
                    Ok(value) => value,
                    Err(error) => panic!("{}: {error}", $id),
                }
            }};
        }

        // Platform: organizations.
        let organizations = call!("ListOrganizations", platform.list_organizations());
        assert_eq!(organizations.organizations[0].id, org);
        call!(
            "GetOrganization",
            platform.get_organization().organization_id(&org)
        );
        let update: platform_types::UpdateOrganizationRequest = body(&pdoc, "UpdateOrganization");
        call!(
            "UpdateOrganization",
            platform
                .update_organization()
                .organization_id(&org)
                .body(update)
        );
        let kind = first_enum(&pdoc, "GetClusterOptions", "type");
        call!(
            "GetClusterOptions",
            platform
                .get_cluster_options()
                .organization_id(&org)
                .type_(kind.as_str())
        );
        call!(
            "GetDeploymentOptions",
            platform.get_deployment_options().organization_id(&org)
        );

        // Platform: clusters.
        let create: platform_types::CreateClusterRequest = body(&pdoc, "CreateCluster");
        let cluster = call!(
            "CreateCluster",
            platform.create_cluster().organization_id(&org).body(create)
        )
        .id;
        let listed = call!(
            "ListClusters",
            platform.list_clusters().organization_id(&org)
        );
        assert_eq!(listed.total_count, 1);
        call!(
            "GetCluster",
            platform
                .get_cluster()
                .organization_id(&org)
                .cluster_id(&cluster)
        );
        let update: platform_types::UpdateClusterRequest = body(&pdoc, "UpdateCluster");
        call!(
            "UpdateCluster",
            platform
                .update_cluster()
                .organization_id(&org)
                .cluster_id(&cluster)
                .body(update)
        );

        // Platform: workspaces.
        let create: platform_types::CreateWorkspaceRequest = body(&pdoc, "CreateWorkspace");
        let workspace = call!(
            "CreateWorkspace",
            platform
                .create_workspace()
                .organization_id(&org)
                .body(create)
        )
        .id;
        let listed = call!(
            "ListWorkspaces",
            platform.list_workspaces().organization_id(&org)
        );
        assert_eq!(
            listed.total_count, 2,
            "the default workspace and the new one"
        );
        call!(
            "GetWorkspace",
            platform
                .get_workspace()
                .organization_id(&org)
                .workspace_id(&workspace)
        );
        let update: platform_types::UpdateWorkspaceRequest = body(&pdoc, "UpdateWorkspace");
        call!(
            "UpdateWorkspace",
            platform
                .update_workspace()
                .organization_id(&org)
                .workspace_id(&workspace)
                .body(update)
        );

        // Platform: deployments and deploys.
        let create: platform_types::CreateDeploymentRequest = body(&pdoc, "CreateDeployment");
        let deployment = call!(
            "CreateDeployment",
            platform
                .create_deployment()
                .organization_id(&org)
                .body(create)
        )
        .id;
        call!(
            "ListDeployments",
            platform.list_deployments().organization_id(&org)
        );
        call!(
            "GetDeployment",
            platform
                .get_deployment()
                .organization_id(&org)
                .deployment_id(&deployment)
        );
        let update: platform_types::UpdateDeploymentRequest = body(&pdoc, "UpdateDeployment");
        call!(
            "UpdateDeployment",
            platform
                .update_deployment()
                .organization_id(&org)
                .deployment_id(&deployment)
                .body(update)
        );
        let create: platform_types::CreateDeployRequest = body(&pdoc, "CreateDeploy");
        let deploy = call!(
            "CreateDeploy",
            platform
                .create_deploy()
                .organization_id(&org)
                .deployment_id(&deployment)
                .body(create)
        )
        .id;
        let deploys = call!(
            "ListDeploys",
            platform
                .list_deploys()
                .organization_id(&org)
                .deployment_id(&deployment)
        );
        assert_eq!(deploys.deploys[0].id, deploy);
        call!(
            "GetDeploy",
            platform
                .get_deploy()
                .organization_id(&org)
                .deployment_id(&deployment)
                .deploy_id(&deploy)
        );
        let update: platform_types::UpdateDeployRequest = body(&pdoc, "UpdateDeploy");
        call!(
            "UpdateDeploy",
            platform
                .update_deploy()
                .organization_id(&org)
                .deployment_id(&deployment)
                .deploy_id(&deploy)
                .body(update)
        );
        let finalize: platform_types::FinalizeDeployRequest = body(&pdoc, "FinalizeDeploy");
        call!(
            "FinalizeDeploy",
            platform
                .finalize_deploy()
                .organization_id(&org)
                .deployment_id(&deployment)
                .deploy_id(&deploy)
                .body(finalize)
        );
        let rollback: platform_types::DeployRollbackRequest = body(&pdoc, "DeployRollback");
        call!(
            "DeployRollback",
            platform
                .deploy_rollback()
                .organization_id(&org)
                .deployment_id(&deployment)
                .deploy_id(&deploy)
                .body(rollback)
        );
        let hibernate: platform_types::OverrideDeploymentHibernationBody =
            body(&pdoc, "UpdateDeploymentHibernationOverride");
        call!(
            "UpdateDeploymentHibernationOverride",
            platform
                .update_deployment_hibernation_override()
                .organization_id(&org)
                .deployment_id(&deployment)
                .body(hibernate)
        );
        call!(
            "DeleteDeploymentHibernationOverride",
            platform
                .delete_deployment_hibernation_override()
                .organization_id(&org)
                .deployment_id(&deployment)
        );

        // IAM.
        call!("ListPermissionGroups", iam.list_permission_groups());
        let create: iam_types::CreateAllowedIpAddressRangeRequest =
            body(&idoc, "CreateAllowedIpAddressRange");
        let range = call!(
            "CreateAllowedIpAddressRange",
            iam.create_allowed_ip_address_range()
                .organization_id(&org)
                .body(create)
        )
        .id;
        call!(
            "ListAllowedIpAddressRanges",
            iam.list_allowed_ip_address_ranges().organization_id(&org)
        );
        call!(
            "DeleteAllowedIpAddressRange",
            iam.delete_allowed_ip_address_range()
                .organization_id(&org)
                .allowed_ip_address_range_id(&range)
        );
        let create: iam_types::CreateUserInviteRequest = body(&idoc, "CreateUserInvite");
        let invite = call!(
            "CreateUserInvite",
            iam.create_user_invite().organization_id(&org).body(create)
        )
        .invite_id;
        call!(
            "DeleteUserInvite",
            iam.delete_user_invite()
                .organization_id(&org)
                .invite_id(&invite)
        );

        call!(
            "ListRoleTemplates",
            iam.list_role_templates().organization_id(&org)
        );
        let create: iam_types::CreateCustomRoleRequest = body(&idoc, "CreateCustomRole");
        let role = call!(
            "CreateCustomRole",
            iam.create_custom_role().organization_id(&org).body(create)
        )
        .id;
        let roles = call!("ListRoles", iam.list_roles().organization_id(&org));
        assert_eq!(roles.roles[0].id, role);
        call!(
            "GetCustomRole",
            iam.get_custom_role().organization_id(&org).role_id(&role)
        );
        let update: iam_types::UpdateCustomRoleRequest = body(&idoc, "UpdateCustomRole");
        call!(
            "UpdateCustomRole",
            iam.update_custom_role()
                .organization_id(&org)
                .custom_role_id(&role)
                .body(update)
        );

        let create: iam_types::CreateTeamRequest = body(&idoc, "CreateTeam");
        let team = call!(
            "CreateTeam",
            iam.create_team().organization_id(&org).body(create)
        )
        .id;
        call!("ListTeams", iam.list_teams().organization_id(&org));
        call!(
            "GetTeam",
            iam.get_team().organization_id(&org).team_id(&team)
        );
        let update: iam_types::UpdateTeamRequest = body(&idoc, "UpdateTeam");
        call!(
            "UpdateTeam",
            iam.update_team()
                .organization_id(&org)
                .team_id(&team)
                .body(update)
        );
        let add: iam_types::AddTeamMembersRequest = body(&idoc, "AddTeamMembers");
        call!(
            "AddTeamMembers",
            iam.add_team_members()
                .organization_id(&org)
                .team_id(&team)
                .body(add)
        );
        let members = format!("/iam/v1beta1/organizations/{org}/teams/{team}/members");
        sandbox
            .seed(&members, json!({"userId": "member-1"}))
            .unwrap();
        let listed = call!(
            "ListTeamMembers",
            iam.list_team_members().organization_id(&org).team_id(&team)
        );
        assert!(listed.team_members.iter().any(|m| m.user_id == "member-1"));
        call!(
            "RemoveTeamMember",
            iam.remove_team_member()
                .organization_id(&org)
                .team_id(&team)
                .member_id("member-1")
        );
        let roles: iam_types::UpdateTeamRolesRequest =
            body_with(&idoc, "UpdateTeamRoles", member());
        call!(
            "UpdateTeamRoles",
            iam.update_team_roles()
                .organization_id(&org)
                .team_id(&team)
                .body(roles)
        );

        let create: iam_types::CreateApiTokenRequest = body(&idoc, "CreateApiToken");
        let token = call!(
            "CreateApiToken",
            iam.create_api_token().organization_id(&org).body(create)
        )
        .id;
        call!("ListApiTokens", iam.list_api_tokens().organization_id(&org));
        call!(
            "GetApiToken",
            iam.get_api_token().organization_id(&org).token_id(&token)
        );
        let update: iam_types::UpdateApiTokenRequest = body(&idoc, "UpdateApiToken");
        call!(
            "UpdateApiToken",
            iam.update_api_token()
                .organization_id(&org)
                .token_id(&token)
                .body(update)
        );
        let roles: iam_types::UpdateApiTokenRolesRequest = body(&idoc, "UpdateApiTokenRoles");
        call!(
            "UpdateApiTokenRoles",
            iam.update_api_token_roles()
                .organization_id(&org)
                .token_id(&token)
                .body(roles)
        );
        call!(
            "RotateApiToken",
            iam.rotate_api_token()
                .organization_id(&org)
                .token_id(&token)
        );

        let users = format!("/iam/v1beta1/organizations/{org}/users");
        let user = sandbox.seed(&users, json!({})).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let listed = call!("ListUsers", iam.list_users().organization_id(&org));
        assert_eq!(listed.users.len(), 2, "the default user and the seeded one");
        assert_eq!(listed.users[1].id, user);
        call!(
            "GetUser",
            iam.get_user().organization_id(&org).user_id(&user)
        );
        let roles: iam_types::UpdateUserRolesRequest =
            body_with(&idoc, "UpdateUserRoles", member());
        call!(
            "UpdateUserRoles",
            iam.update_user_roles()
                .organization_id(&org)
                .user_id(&user)
                .body(roles)
        );

        // Deletes last, each followed by a read that must now fail with 404.
        call!(
            "DeleteApiToken",
            iam.delete_api_token()
                .organization_id(&org)
                .token_id(&token)
        );
        call!(
            "DeleteTeam",
            iam.delete_team().organization_id(&org).team_id(&team)
        );
        call!(
            "DeleteCustomRole",
            iam.delete_custom_role()
                .organization_id(&org)
                .custom_role_id(&role)
        );
        call!(
            "DeleteDeployment",
            platform
                .delete_deployment()
                .organization_id(&org)
                .deployment_id(&deployment)
        );
        call!(
            "DeleteWorkspace",
            platform
                .delete_workspace()
                .organization_id(&org)
                .workspace_id(&workspace)
        );
        call!(
            "DeleteCluster",
            platform
                .delete_cluster()
                .organization_id(&org)
                .cluster_id(&cluster)
        );
        let gone = iam
            .get_api_token()
            .organization_id(&org)
            .token_id(&token)
            .call()
            .await
            .unwrap_err();
        assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));

        let documented: BTreeSet<String> = pdoc
            .operation_ids()
            .into_iter()
            .chain(idoc.operation_ids())
            .collect();
        let called: BTreeSet<String> = called.into_iter().map(str::to_string).collect();
        assert_eq!(
            called, documented,
            "every documented operation is called once here"
        );
        let served: BTreeSet<String> = sandbox
            .operation_ids()
            .into_iter()
            .filter_map(|name| {
                let (api, id) = name.split_once(':')?;
                ["platform", "iam"].contains(&api).then(|| id.to_string())
            })
            .collect();
        assert_eq!(
            served, documented,
            "the sandbox serves exactly the documented operations"
        );
        assert_eq!(documented.len(), 59);
        for request in sandbox
            .requests()
            .iter()
            .filter(|r| r.api.as_deref() != Some("astro"))
        {
            assert!(
                request.operation_id.is_some(),
                "{} {} was not routed",
                request.method,
                request.path
            );
        }
    }
}
