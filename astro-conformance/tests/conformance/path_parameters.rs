//! A path parameter that is empty, `.` or `..` would be resolved as a path step and send the
//! request to another resource: the generated clients refuse it before sending, with an error
//! that names the parameter.

use wiremock::MockServer;

/// The values no path parameter may take.
const BAD: [&str; 3] = ["", ".", ".."];

/// A client of the v1 Platform and IAM crates on a server that must receive nothing.
async fn clients() -> (MockServer, astro_platform::Client, astro_iam::Client) {
    let server = MockServer::start().await;
    let platform = astro_platform::Client::new_with_client(
        &super::astro_platform::API.base_url(&server),
        astro_conformance::http_client(),
        astro_conformance::runtime(),
    );
    let iam = astro_iam::Client::new_with_client(
        &super::astro_iam::API.base_url(&server),
        astro_conformance::http_client(),
        astro_conformance::runtime(),
    );
    (server, platform, iam)
}

#[tokio::test]
async fn a_bad_organization_id_is_refused_before_sending() {
    for bad in BAD {
        let (server, platform, _) = clients().await;
        let result = platform.list_workspaces().organization_id(bad).call().await;
        astro_conformance::check_refused(&server, "ListWorkspaces", result, &["organizationId"])
            .await;
    }
}

#[tokio::test]
async fn a_bad_last_path_parameter_is_refused_before_sending() {
    for bad in BAD {
        let (server, platform, iam) = clients().await;
        let result = platform
            .get_workspace()
            .organization_id("o")
            .workspace_id(bad)
            .call()
            .await;
        astro_conformance::check_refused(&server, "GetWorkspace", result, &["workspaceId"]).await;
        let result = iam
            .remove_team_member()
            .organization_id("o")
            .team_id("t")
            .member_id(bad)
            .call()
            .await;
        astro_conformance::check_refused(&server, "RemoveTeamMember", result, &["memberId"]).await;
    }
}

#[tokio::test]
async fn a_bad_middle_path_parameter_is_refused_before_sending() {
    for bad in BAD {
        let (server, platform, _) = clients().await;
        let result = platform
            .get_deploy()
            .organization_id("o")
            .deployment_id(bad)
            .deploy_id("d")
            .call()
            .await;
        astro_conformance::check_refused(&server, "GetDeploy", result, &["deploymentId"]).await;
    }
}

#[cfg(feature = "v1beta1")]
#[tokio::test]
async fn v1beta1_refuses_bad_path_parameters_too() {
    for bad in BAD {
        let server = MockServer::start().await;
        let iam = astro_iam::v1beta1::Client::new_with_client(
            &super::astro_iam_v1beta1::API.base_url(&server),
            astro_conformance::http_client(),
            astro_conformance::runtime(),
        );
        let result = iam
            .remove_team_member()
            .organization_id("o")
            .team_id("t")
            .member_id(bad)
            .call()
            .await;
        astro_conformance::check_refused(&server, "RemoveTeamMember", result, &["memberId"]).await;
    }
}
