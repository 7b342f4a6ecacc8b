//! The sandbox over HTTP with a plain client, on Astro API v1: resource semantics, the v1
//! resources (environment objects, agent tokens, bulk IP ranges, the self user, user teams,
//! deployment and audit logs), validation, auth, routing errors, request ids, the journal and
//! fault injection.

use std::io::Read;
use std::time::{Duration, Instant};

use astro_sandbox::{Fault, Sandbox};
use serde_json::{Value, json};

struct Harness {
    sandbox: Sandbox,
    http: reqwest::Client,
}

impl Harness {
    async fn new() -> Self {
        Self {
            sandbox: Sandbox::start().await.expect("sandbox starts"),
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.url())
    }

    /// A path under the seeded organization, such as `/v1/organizations/<id>/workspaces`.
    fn org(&self, rest: &str) -> String {
        format!("/v1/organizations/{}{rest}", self.sandbox.organization_id())
    }

    fn workspaces(&self) -> String {
        self.org("/workspaces")
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self
            .http
            .request(method, self.url(path))
            .bearer_auth("test-token");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, headers, body)
    }
}

#[tokio::test]
async fn create_read_update_delete_round_trip() {
    let h = Harness::new().await;
    let (status, _, created) = h
        .send(
            "POST",
            &h.workspaces(),
            Some(json!({"name": "Data team", "description": "first"})),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["name"], "Data team");
    assert_eq!(created["organizationId"], h.sandbox.organization_id());
    assert_ne!(created["createdAt"], astro_spec::samples::SAMPLE_TIME);
    assert!(chrono_like(&created["createdAt"]));

    let item = format!("{}/{id}", h.workspaces());
    let (status, headers, read) = h.send("GET", &item, None).await;
    assert_eq!((status, &read), (200, &created));
    let recorded = h.sandbox.requests_for("GetWorkspace");
    assert_eq!(
        headers["x-request-id"].to_str().ok(),
        Some(recorded[0].request_id.as_str())
    );

    let (status, _, updated) = h
        .send(
            "POST",
            &item,
            Some(json!({"name": "Data platform", "description": "first", "cicdEnforcedDefault": true})),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["name"], "Data platform");
    assert_eq!(updated["description"], "first");
    assert_eq!(updated["cicdEnforcedDefault"], true);
    let (_, _, read) = h.send("GET", &item, None).await;
    assert_eq!(read["name"], "Data platform");

    let (status, headers, body) = h.send("DELETE", &item, None).await;
    assert_eq!((status, body), (204, Value::Null));
    assert!(headers.contains_key("x-request-id"));
    let (status, _, body) = h.send("GET", &item, None).await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], format!("workspace {id} not found"));
    let (status, _, _) = h.send("DELETE", &item, None).await;
    assert_eq!(status, 404);
    assert_eq!(
        h.sandbox.objects(&h.workspaces()).unwrap().len(),
        1,
        "only the default workspace is left"
    );
}

fn chrono_like(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.len() == 20 && s.ends_with('Z') && &s[10..11] == "T")
}

#[tokio::test]
async fn created_objects_carry_what_the_request_said() {
    let h = Harness::new().await;
    let tokens = h.org("/tokens");
    let body =
        json!({"name": "ci", "scope": "WORKSPACE", "role": "WORKSPACE_MEMBER", "entityId": "ws-1"});
    let (status, _, token) = h.send("POST", &tokens, Some(body)).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["name"], "ci");
    assert_eq!(token["scope"], "WORKSPACE");
    assert_eq!(
        token["description"], "",
        "left out by the request, so empty rather than a sample"
    );
    assert_eq!(token["roles"].as_array().map(Vec::len), Some(1));
    assert_eq!(token["roles"][0]["entityId"], "ws-1");
    assert_eq!(token["roles"][0]["role"], "WORKSPACE_MEMBER");
}

#[tokio::test]
async fn item_actions_answer_the_stored_item() {
    let h = Harness::new().await;
    let tokens = h.org("/tokens");
    let body = json!({"name": "rotated", "scope": "ORGANIZATION", "role": "ORGANIZATION_MEMBER"});
    let (_, _, token) = h.send("POST", &tokens, Some(body)).await;
    let id = token["id"].as_str().unwrap();
    let (status, _, rotated) = h.send("POST", &format!("{tokens}/{id}/rotate"), None).await;
    assert_eq!(
        (status, rotated["id"].as_str(), rotated["name"].as_str()),
        (200, Some(id), Some("rotated"))
    );
    let (status, _, body) = h
        .send("POST", &format!("{tokens}/missing/rotate"), None)
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("token missing not found"))
    );

    // FinalizeDeploy documents no 404, so an unknown deploy still gets a sample deploy.
    let finalize = h.org("/deployments/d/deploys/nope/finalize");
    let (status, _, deploy) = h.send("POST", &finalize, Some(json!({}))).await;
    assert_eq!(status, 200, "{deploy}");
    assert!(deploy["id"].is_string());
}

#[tokio::test]
async fn lists_page_with_offset_limit_and_total_count() {
    let h = Harness::new().await;
    let deployments = h.org("/deployments");
    for n in 0..7 {
        h.sandbox
            .seed(
                &deployments,
                json!({"name": format!("d{n}"), "workspaceId": if n < 2 { "w-a" } else { "w-b" }}),
            )
            .unwrap();
    }
    let mut seen = Vec::new();
    for offset in [0, 3, 6] {
        let (status, _, page) = h
            .send(
                "GET",
                &format!("{deployments}?limit=3&offset={offset}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(
            (
                page["limit"].as_u64(),
                page["offset"].as_u64(),
                page["totalCount"].as_u64()
            ),
            (Some(3), Some(offset), Some(7))
        );
        for item in page["deployments"].as_array().unwrap() {
            seen.push(item["name"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(seen, ["d0", "d1", "d2", "d3", "d4", "d5", "d6"]);

    let (_, _, page) = h.send("GET", &deployments, None).await;
    assert_eq!(page["limit"], 20);
    let (_, _, page) = h
        .send("GET", &format!("{deployments}?workspaceIds=w-a"), None)
        .await;
    assert_eq!(page["totalCount"], 2);
    let (_, _, page) = h
        .send(
            "GET",
            &format!("{deployments}?names=d4&names=d6&sorts=name:desc"),
            None,
        )
        .await;
    let names: Vec<&str> = page["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["d6", "d4"]);
}

#[tokio::test]
async fn invalid_requests_get_400_naming_the_problem() {
    let h = Harness::new().await;
    let (status, headers, body) = h
        .send(
            "POST",
            &h.workspaces(),
            Some(json!({"description": "no name"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "request body field `name` is required");
    assert_eq!(body["statusCode"], 400);
    assert_eq!(
        body["requestId"].as_str(),
        headers["x-request-id"].to_str().ok()
    );

    let (status, _, body) = h
        .send(
            "POST",
            &h.org("/tokens"),
            Some(json!({"name": "t", "role": "R", "scope": "TEAM"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("request body field `scope` must be one of"),
        "{body}"
    );
    let (status, _, body) = h
        .send("GET", &format!("{}?limit=ten", h.workspaces()), None)
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (
            400,
            Some("query parameter `limit` must be an integer (got \"ten\")")
        )
    );
    let options = h.org("/cluster-options");
    let (status, _, body) = h.send("GET", &options, None).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("query parameter `type` is required"))
    );
}

#[tokio::test]
async fn auth_unknown_paths_and_wrong_methods() {
    let h = Harness::new().await;
    for authorization in [
        None,
        Some("Basic dXNlcjpwYXNz"),
        Some("Bearer "),
        Some("token"),
    ] {
        let mut request = h.http.get(h.url(&h.workspaces()));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{authorization:?}");
        assert!(response.headers().contains_key("x-request-id"));
        let body: Value = response.json().await.unwrap();
        assert!(
            body["message"].as_str().unwrap().contains("Bearer"),
            "{body}"
        );
    }
    let strict = Sandbox::builder().token("right").start().await.unwrap();
    let list = format!("{}/organizations", strict.api_url("astro").unwrap());
    let wrong = h.http.get(&list).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let right = h.http.get(&list).bearer_auth("right").send().await.unwrap();
    assert_eq!(right.status(), 200);

    let (status, _, body) = h.send("GET", "/v1/nowhere", None).await;
    assert_eq!((status, body["statusCode"].as_u64()), (404, Some(404)));
    let (status, _, _) = h.send("GET", "/elsewhere/v1/organizations", None).await;
    assert_eq!(status, 404);
    let (status, headers, body) = h.send("PUT", &h.workspaces(), Some(json!({}))).await;
    assert_eq!(status, 405, "{body}");
    assert_eq!(headers["allow"], "GET, POST");
}

#[tokio::test]
async fn the_journal_records_what_clients_sent() {
    let h = Harness::new().await;
    h.send("POST", &h.workspaces(), Some(json!({"name": "Recorded"})))
        .await;
    h.send("GET", &format!("{}?names=Recorded", h.workspaces()), None)
        .await;
    let created = h.sandbox.requests_for("CreateWorkspace");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].json().unwrap()["name"], "Recorded");
    assert_eq!(
        created[0].header("authorization"),
        Some("Bearer test-token")
    );
    assert_eq!(created[0].status, 200);
    let listed = h.sandbox.requests_for("ListWorkspaces");
    assert_eq!(listed[0].query_values("names"), ["Recorded"]);
    assert_eq!(h.sandbox.requests().len(), 2);
    h.sandbox.clear_requests();
    assert!(h.sandbox.requests().is_empty());
}

#[tokio::test]
async fn injected_faults_play_for_the_next_calls() {
    let h = Harness::new().await;
    let list = h.workspaces();
    h.sandbox
        .inject("ListWorkspaces", Fault::status(503, "try later").times(2))
        .unwrap();
    for _ in 0..2 {
        let (status, headers, body) = h.send("GET", &list, None).await;
        assert_eq!(
            (
                status,
                body["message"].as_str(),
                body["statusCode"].as_u64()
            ),
            (503, Some("try later"), Some(503))
        );
        assert_eq!(
            body["requestId"].as_str(),
            headers["x-request-id"].to_str().ok()
        );
    }
    assert_eq!(h.send("GET", &list, None).await.0, 200);

    h.sandbox
        .inject("ListWorkspaces", Fault::text(403, "RBAC: access denied"))
        .unwrap();
    let response = h
        .http
        .get(h.url(&list))
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()["content-type"], "text/plain");
    assert_eq!(response.text().await.unwrap(), "RBAC: access denied");

    h.sandbox
        .inject(
            "ListWorkspaces",
            Fault::rate_limited(Duration::from_millis(1500)),
        )
        .unwrap();
    let (status, headers, body) = h.send("GET", &list, None).await;
    assert_eq!((status, body["statusCode"].as_u64()), (429, Some(429)));
    assert_eq!(headers["retry-after"], "2");

    h.sandbox
        .inject("ListWorkspaces", Fault::delay(Duration::from_millis(300)))
        .unwrap();
    let started = Instant::now();
    assert_eq!(h.send("GET", &list, None).await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    h.sandbox
        .inject("GetWorkspace", Fault::status(500, "down").always())
        .unwrap();
    let item = format!("{list}/{}", h.sandbox.workspace_id());
    for _ in 0..3 {
        assert_eq!(h.send("GET", &item, None).await.0, 500);
    }
    h.sandbox.clear_faults();
    assert_eq!(h.send("GET", &item, None).await.0, 200);

    assert!(
        h.sandbox
            .inject("NoSuchOperation", Fault::status(500, "x"))
            .is_err()
    );
    assert!(
        h.sandbox
            .inject("GetWorkspace", Fault::status(1000, "x"))
            .is_err()
    );
}

#[tokio::test]
async fn seeding_checks_fields_and_defaults_exist() {
    let h = Harness::new().await;
    let (status, _, org) = h.send("GET", &h.org(""), None).await;
    assert_eq!(status, 200);
    assert_eq!(org["id"], h.sandbox.organization_id());
    assert_eq!(org["name"], "Sandbox organization");
    assert_ne!(h.sandbox.organization_id(), h.sandbox.workspace_id());
    let error = h
        .sandbox
        .seed(&h.workspaces(), json!({"name": 5}))
        .unwrap_err();
    assert_eq!(error.to_string(), "`name` must be a string (got 5)");
    assert!(
        h.sandbox
            .seed(&h.workspaces(), json!({"colour": "red"}))
            .is_err()
    );
    assert!(h.sandbox.seed("/v1/nothing", json!({})).is_err());
    let seeded = h
        .sandbox
        .seed(
            &h.workspaces(),
            json!({"id": "ws-fixed", "name": "Fixture"}),
        )
        .unwrap();
    assert_eq!(seeded["id"], "ws-fixed");
    let (status, _, read) = h
        .send("GET", &format!("{}/ws-fixed", h.workspaces()), None)
        .await;
    assert_eq!((status, read["name"].as_str()), (200, Some("Fixture")));

    let empty = Sandbox::builder().without_defaults().start().await.unwrap();
    assert_eq!(empty.organization_id(), "");
    let page: Value = h
        .http
        .get(format!("{}/v1/organizations", empty.url()))
        .bearer_auth("t")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["totalCount"], 0);
}

#[tokio::test]
async fn dropping_the_sandbox_stops_it() {
    let sandbox = Sandbox::start().await.unwrap();
    let address = sandbox.address();
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

#[tokio::test]
async fn api_urls_come_from_the_documents_servers() {
    let h = Harness::new().await;
    let root = h.sandbox.url();
    assert_eq!(h.sandbox.api_url("astro"), Some(format!("{root}/v1")));
    assert_eq!(h.sandbox.api_names()[0], "astro");
    assert!(h.sandbox.api_url("nowhere").is_none());
    #[cfg(feature = "v1beta1")]
    {
        assert_eq!(
            h.sandbox.api_url("platform"),
            Some(format!("{root}/platform/v1beta1"))
        );
        assert_eq!(
            h.sandbox.api_url("iam"),
            Some(format!("{root}/iam/v1beta1"))
        );
    }
    #[cfg(not(feature = "v1beta1"))]
    assert!(h.sandbox.api_url("platform").is_none());
}

#[tokio::test]
async fn environment_objects_keep_state_and_filter() {
    let h = Harness::new().await;
    let objects = h.org("/environment-objects");
    let body = json!({
        "objectKey": "AIRFLOW__CORE__PARALLELISM",
        "objectType": "ENVIRONMENT_VARIABLE",
        "scope": "WORKSPACE",
        "scopeEntityId": h.sandbox.workspace_id(),
        "environmentVariable": {"value": "32"}
    });
    let (status, _, created) = h.send("POST", &objects, Some(body)).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(
        created.as_object().map(|o| o.len()),
        Some(1),
        "a create answers its id"
    );
    let item = format!("{objects}/{id}");
    let (status, _, read) = h.send("GET", &item, None).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["objectKey"], "AIRFLOW__CORE__PARALLELISM");
    assert_eq!(read["scopeEntityId"], h.sandbox.workspace_id());
    let (status, _, updated) = h
        .send("POST", &item, Some(json!({"description": "cores"})))
        .await;
    assert_eq!(
        (status, updated["description"].as_str()),
        (200, Some("cores"))
    );
    let (status, _, _) = h
        .send(
            "POST",
            &format!("{item}/exclude-linking"),
            Some(json!({"scope": "DEPLOYMENT", "scopeEntityId": "d-1"})),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _, _) = h
        .send(
            "POST",
            &format!("{objects}/missing/exclude-linking"),
            Some(json!({"scope": "DEPLOYMENT", "scopeEntityId": "d-1"})),
        )
        .await;
    assert_eq!(status, 404);
    let (_, _, page) = h
        .send("GET", &format!("{objects}?objectType=CONNECTION"), None)
        .await;
    assert_eq!(page["totalCount"], 0);
    let (_, _, page) = h
        .send(
            "GET",
            &format!("{objects}?objectType=ENVIRONMENT_VARIABLE"),
            None,
        )
        .await;
    assert_eq!(page["totalCount"], 1);
    assert_eq!(page["environmentObjects"][0]["id"], id.as_str());
    assert_eq!(h.send("DELETE", &item, None).await.0, 204);
    assert_eq!(h.send("GET", &item, None).await.0, 404);
}

#[tokio::test]
async fn agent_tokens_live_under_their_deployment() {
    let h = Harness::new().await;
    let tokens = h.org("/deployments/d-1/agent-tokens");
    let (status, _, token) = h
        .send(
            "POST",
            &tokens,
            Some(json!({"name": "agent", "description": "runner"})),
        )
        .await;
    assert_eq!(status, 200, "{token}");
    let id = token["id"].as_str().unwrap().to_string();
    assert_eq!(token["name"], "agent");
    let (_, _, page) = h.send("GET", &tokens, None).await;
    assert_eq!(page["totalCount"], 1);
    let (_, _, other) = h
        .send("GET", &h.org("/deployments/d-2/agent-tokens"), None)
        .await;
    assert_eq!(other["totalCount"], 0, "another deployment has none");
    assert_eq!(h.send("GET", &format!("{tokens}/{id}"), None).await.0, 200);
    assert_eq!(
        h.send("DELETE", &format!("{tokens}/{id}"), None).await.0,
        204
    );
    assert_eq!(h.send("GET", &format!("{tokens}/{id}"), None).await.0, 404);
}

#[tokio::test]
async fn allowed_ip_ranges_are_created_and_deleted_in_bulk() {
    let h = Harness::new().await;
    let ranges = h.org("/allowed-ip-address-ranges");
    let (status, _, created) = h
        .send(
            "POST",
            &format!("{ranges}/bulk-create"),
            Some(json!({"allowedIpAddressRanges": ["10.0.0.0/8", "192.168.0.0/16"]})),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let created = created["allowedIpAddressRanges"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(created.len(), 2);
    assert_eq!(created[0]["ipAddressRange"], "10.0.0.0/8");
    assert_eq!(created[1]["organizationId"], h.sandbox.organization_id());
    let (_, _, page) = h.send("GET", &ranges, None).await;
    assert_eq!(page["totalCount"], 2);

    let (status, _, body) = h
        .send(
            "POST",
            &format!("{ranges}/bulk-create"),
            Some(json!({"allowedIpAddressRanges": ["172.16.0.0/12", "10.0.0.0/8"]})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (_, _, page) = h.send("GET", &ranges, None).await;
    assert_eq!(page["totalCount"], 2, "a refused batch creates nothing");

    let first = created[0]["id"].as_str().unwrap();
    let (status, _, _) = h
        .send(
            "POST",
            &format!("{ranges}/bulk-delete"),
            Some(json!({"allowedIpAddressRangeIds": [first, "unknown", first]})),
        )
        .await;
    assert_eq!(status, 204);
    let (_, _, page) = h.send("GET", &ranges, None).await;
    assert_eq!(page["totalCount"], 1);
    assert_eq!(
        page["allowedIpAddressRanges"][0]["ipAddressRange"],
        "192.168.0.0/16"
    );
}

#[tokio::test]
async fn the_self_user_is_the_seeded_user_and_lists_its_teams() {
    let h = Harness::new().await;
    let (status, _, me) = h.send("GET", "/v1/users/self", None).await;
    assert_eq!(status, 200, "{me}");
    let users = h.sandbox.objects(&h.org("/users")).unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(me["id"], users[0]["id"]);
    assert_eq!(me["username"], users[0]["username"]);
    let me = me["id"].as_str().unwrap().to_string();

    let teams = h.org("/teams");
    let mut ids = Vec::new();
    for name in ["platform", "data"] {
        let (status, _, team) = h.send("POST", &teams, Some(json!({"name": name}))).await;
        assert_eq!(status, 200, "{team}");
        ids.push(team["id"].as_str().unwrap().to_string());
    }
    let members = format!("{teams}/{}/members", ids[1]);
    let (status, _, _) = h
        .send("POST", &members, Some(json!({"memberIds": [me.clone()]})))
        .await;
    assert_eq!(status, 204);
    let (_, _, listed) = h.send("GET", &members, None).await;
    assert_eq!(listed["totalCount"], 1);
    assert_eq!(listed["teamMembers"][0]["userId"], me.as_str());
    assert_eq!(
        listed["teamMembers"][0]["username"], users[0]["username"],
        "a member carries the user's fields"
    );

    let (status, _, mine) = h
        .send("GET", &h.org(&format!("/users/{me}/teams")), None)
        .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["totalCount"], 1);
    assert_eq!(mine["teams"][0]["id"], ids[1].as_str());
    assert_eq!(mine["teams"][0]["name"], "data");
    let (_, _, none) = h.send("GET", &h.org("/users/somebody/teams"), None).await;
    assert_eq!(none["totalCount"], 0);

    let (status, _, refused) = h
        .send(
            "POST",
            &format!("{teams}/no-such-team/members"),
            Some(json!({"memberIds": [me.clone()]})),
        )
        .await;
    assert_eq!(status, 404, "members join an existing team only: {refused}");
}

#[tokio::test]
async fn deployment_logs_answer_synthesized_entries() {
    let h = Harness::new().await;
    let logs = h.org("/deployments/d-1/logs");
    let (status, _, body) = h
        .send(
            "GET",
            &format!("{logs}?sources=scheduler&sources=worker"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let entries = body["results"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(body["resultCount"], 3);
    let sources: Vec<&str> = entries
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["scheduler", "worker", "scheduler"]);
    let times: Vec<f64> = entries
        .iter()
        .map(|e| e["timestamp"].as_f64().unwrap())
        .collect();
    assert!(times.windows(2).all(|pair| pair[0] < pair[1]), "{times:?}");
    assert!(entries[0]["raw"].as_str().unwrap().contains("scheduler"));
    let (_, _, one) = h
        .send("GET", &format!("{logs}?sources=worker&limit=1"), None)
        .await;
    assert_eq!(one["results"].as_array().map(Vec::len), Some(1));
    let (status, _, body) = h.send("GET", &logs, None).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("query parameter `sources` is required"))
    );
}

#[tokio::test]
async fn audit_logs_are_gzip_compressed_ndjson() {
    let h = Harness::new().await;
    let response = h
        .http
        .get(h.url(&h.org("/audit-logs")))
        .query(&[
            ("startDate", "2026-11-01T00:00:00Z"),
            ("endDate", "2026-11-02T00:00:00Z"),
        ])
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream"
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..2], [0x1f, 0x8b], "a gzip member");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .expect("valid gzip");
    let records: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect();
    assert!(records.len() >= 2, "{text}");
    for record in &records {
        assert_eq!(record["organizationId"], h.sandbox.organization_id());
        assert!(
            record["timestamp"]
                .as_str()
                .unwrap()
                .starts_with("2026-11-01")
        );
    }
}

#[cfg(feature = "v1beta1")]
#[tokio::test]
async fn v1beta1_shares_the_store_and_takes_qualified_names() {
    let h = Harness::new().await;
    let org = h.sandbox.organization_id();
    let old = format!("/platform/v1beta1/organizations/{org}/workspaces");
    let (status, _, page) = h.send("GET", &old, None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["workspaces"][0]["id"], h.sandbox.workspace_id());
    let (status, _, created) = h.send("POST", &old, Some(json!({"name": "beta"}))).await;
    assert_eq!(status, 200, "{created}");
    let (_, _, read) = h
        .send(
            "GET",
            &format!("{}/{}", h.workspaces(), created["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(
        read["name"], "beta",
        "created through v1beta1, read through v1"
    );

    h.sandbox
        .inject(
            "platform:ListWorkspaces",
            Fault::status(503, "old API down"),
        )
        .unwrap();
    assert_eq!(h.send("GET", &h.workspaces(), None).await.0, 200);
    assert_eq!(h.send("GET", &old, None).await.0, 503);
    assert_eq!(h.sandbox.requests_for("ListWorkspaces").len(), 1);
    assert_eq!(h.sandbox.requests_for("platform:ListWorkspaces").len(), 2);
    assert_eq!(h.sandbox.requests_for("astro:ListWorkspaces").len(), 1);
    let names = h.sandbox.operation_ids();
    assert!(names.contains(&"ListWorkspaces".to_string()));
    assert!(names.contains(&"iam:ListUsers".to_string()));
    assert_eq!(names.len(), 75 + 59);
}
