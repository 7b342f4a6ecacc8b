//! The sandbox over HTTP with a plain client: resource semantics, validation, auth, routing
//! errors, request ids, the journal and fault injection.

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

    fn workspaces(&self) -> String {
        format!(
            "/platform/v1beta1/organizations/{}/workspaces",
            self.sandbox.organization_id()
        )
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
    let tokens = format!(
        "/iam/v1beta1/organizations/{}/tokens",
        h.sandbox.organization_id()
    );
    let body =
        json!({"name": "ci", "type": "WORKSPACE", "role": "WORKSPACE_MEMBER", "entityId": "ws-1"});
    let (status, _, token) = h.send("POST", &tokens, Some(body)).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["name"], "ci");
    assert_eq!(token["type"], "WORKSPACE");
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
    let tokens = format!(
        "/iam/v1beta1/organizations/{}/tokens",
        h.sandbox.organization_id()
    );
    let body = json!({"name": "rotated", "type": "ORGANIZATION", "role": "ORGANIZATION_MEMBER"});
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
    let org = h.sandbox.organization_id();
    let finalize =
        format!("/platform/v1beta1/organizations/{org}/deployments/d/deploys/nope/finalize");
    let (status, _, deploy) = h.send("POST", &finalize, Some(json!({}))).await;
    assert_eq!(status, 200, "{deploy}");
    assert!(deploy["id"].is_string());
}

#[tokio::test]
async fn lists_page_with_offset_limit_and_total_count() {
    let h = Harness::new().await;
    let deployments = format!(
        "/platform/v1beta1/organizations/{}/deployments",
        h.sandbox.organization_id()
    );
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

    let tokens = format!(
        "/iam/v1beta1/organizations/{}/tokens",
        h.sandbox.organization_id()
    );
    let (status, _, body) = h
        .send(
            "POST",
            &tokens,
            Some(json!({"name": "t", "role": "R", "type": "TEAM"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("request body field `type` must be one of"),
        "{body}"
    );
    let (status, _, body) = h
        .send("GET", &format!("{}?limit=-1", h.workspaces()), None)
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("query parameter `limit` must be at least 0"))
    );
    let options = format!(
        "/platform/v1beta1/organizations/{}/cluster-options",
        h.sandbox.organization_id()
    );
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
    let list = format!("{}/platform/v1beta1/organizations", strict.url());
    let wrong = h.http.get(&list).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let right = h.http.get(&list).bearer_auth("right").send().await.unwrap();
    assert_eq!(right.status(), 200);

    let (status, _, body) = h.send("GET", "/platform/v1beta1/nowhere", None).await;
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
    let (status, _, org) = h
        .send(
            "GET",
            &format!(
                "/platform/v1beta1/organizations/{}",
                h.sandbox.organization_id()
            ),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(org["id"], h.sandbox.organization_id());
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
    assert!(
        h.sandbox
            .seed("/platform/v1beta1/nothing", json!({}))
            .is_err()
    );
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
        .get(format!("{}/platform/v1beta1/organizations", empty.url()))
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
