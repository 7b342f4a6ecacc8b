//! The sandbox's long-running and secret-keeping behaviour over HTTP, on Astro API v1:
//! statuses that settle after reads, scripted statuses and removals, secret environment
//! variables, role grants, issued API token values and their authentication, conflicts, and
//! raw access to stored items.

use astro_sandbox::{Fault, Sandbox, SandboxBuilder};
use astro_spec::Document;
use astro_spec::samples::sample;
use serde_json::{Value, json};

struct Harness {
    sandbox: Sandbox,
    http: reqwest::Client,
    bearer: String,
}

impl Harness {
    async fn new() -> Self {
        Self::with(Sandbox::builder()).await
    }

    async fn with(builder: SandboxBuilder) -> Self {
        Self {
            sandbox: builder.start().await.expect("sandbox starts"),
            http: reqwest::Client::new(),
            bearer: "test-token".into(),
        }
    }

    /// A path under the seeded organization, such as `/v1/organizations/<id>/deployments`.
    fn org(&self, rest: &str) -> String {
        format!("/v1/organizations/{}{rest}", self.sandbox.organization_id())
    }

    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.send_as(&self.bearer, method, path, body).await
    }

    async fn send_as(
        &self,
        bearer: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let url = format!("{}{path}", self.sandbox.url());
        let mut request = self.http.request(method, url).bearer_auth(bearer);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    async fn get(&self, path: &str) -> Value {
        let (status, body) = self.send("GET", path, None).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.send("POST", path, Some(body)).await;
        assert_eq!(status, 200, "POST {path}: {answer}");
        answer
    }

    async fn status_of(&self, path: &str) -> String {
        self.get(path).await["status"].as_str().unwrap().to_string()
    }

    /// Creates a deployment in the default workspace; returns its item path.
    async fn create_deployment(&self, variables: Value) -> String {
        let body = request_body(
            "CreateDeployment",
            json!({"name": "etl", "workspaceId": self.sandbox.workspace_id(),
                   "environmentVariables": variables}),
        );
        let created = self.post(&self.org("/deployments"), body).await;
        self.org(&format!("/deployments/{}", created["id"].as_str().unwrap()))
    }

    /// Updates a deployment with these variables (and a sample of the rest).
    async fn update_deployment(&self, item: &str, variables: Value) -> Value {
        let body = request_body(
            "UpdateDeployment",
            json!({"name": "etl", "workspaceId": self.sandbox.workspace_id(),
                   "environmentVariables": variables}),
        );
        self.post(item, body).await
    }
}

/// A sample request body of a v1 operation with some fields replaced.
fn request_body(operation_id: &str, fields: Value) -> Value {
    let document = Document::parse(astro_platform::SPEC_YAML.as_bytes()).unwrap();
    let operation = document
        .operations()
        .into_iter()
        .find(|op| op.id == operation_id)
        .unwrap();
    let mut body = sample(&document, &operation.request_body.unwrap());
    if let (Value::Object(body), Value::Object(fields)) = (&mut body, fields) {
        body.extend(fields);
    }
    body
}

#[tokio::test]
async fn deployments_settle_after_reads_and_updates_deploy_again() {
    let h = Harness::new().await;
    let (status, created) = h
        .send(
            "POST",
            &h.org("/deployments"),
            Some(request_body(
                "CreateDeployment",
                json!({"workspaceId": h.sandbox.workspace_id()}),
            )),
        )
        .await;
    assert_eq!(
        (status, created["status"].as_str()),
        (200, Some("CREATING"))
    );
    let item = h.org(&format!("/deployments/{}", created["id"].as_str().unwrap()));

    let listed = h.get(&h.org("/deployments")).await;
    assert_eq!(listed["deployments"][0]["status"], "CREATING");
    assert_eq!(h.status_of(&item).await, "CREATING");
    let listed = h.get(&h.org("/deployments")).await;
    assert_eq!(
        listed["deployments"][0]["status"], "CREATING",
        "lists do not count as reads"
    );
    assert_eq!(h.status_of(&item).await, "CREATING");
    assert_eq!(
        h.sandbox.object(&item).unwrap()["status"],
        "HEALTHY",
        "stored as settled after the second read"
    );
    assert_eq!(h.status_of(&item).await, "HEALTHY");
    assert_eq!(h.status_of(&item).await, "HEALTHY");

    let updated = h.update_deployment(&item, json!([])).await;
    assert_eq!(updated["status"], "DEPLOYING");
    assert_eq!(h.status_of(&item).await, "DEPLOYING");
    assert_eq!(h.status_of(&item).await, "DEPLOYING");
    assert_eq!(h.status_of(&item).await, "HEALTHY");

    // An update while still creating keeps the creation going.
    let other = h.create_deployment(json!([])).await;
    assert_eq!(h.status_of(&other).await, "CREATING");
    assert_eq!(
        h.update_deployment(&other, json!([])).await["status"],
        "CREATING"
    );
    assert_eq!(h.status_of(&other).await, "CREATING");
    assert_eq!(h.status_of(&other).await, "HEALTHY");
}

#[tokio::test]
async fn settle_after_sets_the_reads_and_clusters_settle_too() {
    let h = Harness::with(Sandbox::builder().settle_after(0)).await;
    let item = h.create_deployment(json!([])).await;
    assert_eq!(h.status_of(&item).await, "HEALTHY");
    assert_eq!(
        h.update_deployment(&item, json!([])).await["status"],
        "HEALTHY"
    );

    let h = Harness::with(Sandbox::builder().settle_after(1)).await;
    let clusters = h.org("/clusters");
    let created = h
        .post(&clusters, request_body("CreateCluster", json!({})))
        .await;
    assert_eq!(created["status"], "CREATING");
    let item = format!("{clusters}/{}", created["id"].as_str().unwrap());
    assert_eq!(h.status_of(&item).await, "CREATING");
    assert_eq!(h.status_of(&item).await, "CREATED");
    let updated = h
        .post(&item, request_body("UpdateCluster", json!({})))
        .await;
    assert_eq!(updated["status"], "UPDATING");
    assert_eq!(h.status_of(&item).await, "UPDATING");
    assert_eq!(h.status_of(&item).await, "CREATED");

    // Seeded fixtures are ready.
    let seeded = h
        .sandbox
        .seed(&h.org("/deployments"), json!({"name": "fixture"}))
        .unwrap();
    assert_eq!(seeded["status"], "HEALTHY");
}

#[tokio::test]
async fn deploys_settle_only_after_their_finalize() {
    let h = Harness::new().await;
    let deployment = h.create_deployment(json!([])).await;
    let deploys = format!("{deployment}/deploys");
    let created = h
        .post(
            &deploys,
            request_body("CreateDeploy", json!({"type": "DAG_ONLY"})),
        )
        .await;
    assert_eq!(created["status"], "INITIALIZED");
    let item = format!("{deploys}/{}", created["id"].as_str().unwrap());
    for _ in 0..3 {
        assert_eq!(h.status_of(&item).await, "INITIALIZED");
    }
    let finalized = h
        .post(
            &format!("{item}/finalize"),
            json!({"dagTarballVersion": "v-1"}),
        )
        .await;
    assert_eq!(
        (
            finalized["status"].as_str(),
            finalized["dagTarballVersion"].as_str()
        ),
        (Some("INITIALIZED"), Some("v-1"))
    );
    assert_eq!(h.status_of(&item).await, "INITIALIZED");
    assert_eq!(h.status_of(&item).await, "INITIALIZED");
    assert_eq!(h.status_of(&item).await, "DEPLOYED");
}

#[tokio::test]
async fn scripted_statuses_play_in_turn_and_the_last_stays() {
    let h = Harness::new().await;
    let item = h.create_deployment(json!([])).await;
    h.sandbox
        .script_statuses(&item, &["DEPLOYING", "UNHEALTHY"])
        .unwrap();
    assert_eq!(h.status_of(&item).await, "DEPLOYING");
    assert_eq!(h.sandbox.object(&item).unwrap()["status"], "DEPLOYING");
    for _ in 0..3 {
        assert_eq!(
            h.status_of(&item).await,
            "UNHEALTHY",
            "the script won over the settling"
        );
    }
    let refused = h
        .sandbox
        .script_statuses(&item, &["HEALTHY", "ON_FIRE"])
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("ON_FIRE") && refused.contains("HIBERNATING"),
        "{refused}"
    );
    assert_eq!(
        h.status_of(&item).await,
        "UNHEALTHY",
        "a refused script is not set"
    );
    assert!(
        h.sandbox
            .script_statuses(&h.org("/deployments/missing"), &["HEALTHY"])
            .is_err()
    );
    assert!(
        h.sandbox
            .script_statuses(&h.org("/deployments"), &["HEALTHY"])
            .is_err()
    );
    let clusters = h.org("/clusters");
    let cluster = h
        .post(&clusters, request_body("CreateCluster", json!({})))
        .await;
    let cluster = format!("{clusters}/{}", cluster["id"].as_str().unwrap());
    h.sandbox
        .script_statuses(&cluster, &["UPDATING", "UPDATE_FAILED"])
        .unwrap();
    assert_eq!(h.status_of(&cluster).await, "UPDATING");
    assert_eq!(h.status_of(&cluster).await, "UPDATE_FAILED");
}

#[tokio::test]
async fn objects_can_be_removed_after_some_reads() {
    let h = Harness::new().await;
    let item = h.create_deployment(json!([])).await;
    h.sandbox.remove_after_reads(&item, 2).unwrap();
    assert_eq!(h.send("GET", &item, None).await.0, 200);
    let listed = h.get(&h.org("/deployments")).await;
    assert_eq!(listed["totalCount"], 1, "still listed before its last read");
    assert_eq!(h.send("GET", &item, None).await.0, 200);
    let (status, body) = h.send("GET", &item, None).await;
    assert_eq!(status, 404, "{body}");
    assert!(h.sandbox.object(&item).is_none());
    let listed = h.get(&h.org("/deployments")).await;
    assert_eq!(listed["totalCount"], 0);

    let item = h.create_deployment(json!([])).await;
    h.sandbox.remove_after_reads(&item, 0).unwrap();
    assert_eq!(h.send("GET", &item, None).await.0, 404);
    assert!(h.sandbox.remove_after_reads(&item, 1).is_err());
}

fn variable<'a>(deployment: &'a Value, key: &str) -> Option<&'a Value> {
    deployment["environmentVariables"]
        .as_array()?
        .iter()
        .find(|v| v["key"] == key)
}

fn keys(deployment: &Value) -> Vec<&str> {
    deployment["environmentVariables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["key"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn secret_values_are_never_answered_and_never_lost() {
    let h = Harness::new().await;
    let item = h
        .create_deployment(json!([
            {"key": "SECRET", "isSecret": true, "value": "s1"},
            {"key": "TURNED", "isSecret": true, "value": "t1"},
            {"key": "PLAIN", "isSecret": false, "value": "p1"}
        ]))
        .await;
    let answers = [
        h.get(&item).await,
        h.get(&h.org("/deployments")).await["deployments"][0].clone(),
    ];
    for answer in &answers {
        assert_eq!(keys(answer), ["SECRET", "TURNED", "PLAIN"]);
        assert!(
            variable(answer, "SECRET").unwrap().get("value").is_none(),
            "{answer}"
        );
        assert_eq!(variable(answer, "SECRET").unwrap()["isSecret"], true);
        assert!(variable(answer, "SECRET").unwrap()["updatedAt"].is_string());
        assert_eq!(variable(answer, "PLAIN").unwrap()["value"], "p1");
    }
    let stored = h.sandbox.object(&item).unwrap();
    assert_eq!(variable(&stored, "SECRET").unwrap()["value"], "s1");

    // Mark every stored variable as old, to see which ones an update touches.
    let mut aged = stored["environmentVariables"].clone();
    for v in aged.as_array_mut().unwrap() {
        v["updatedAt"] = json!("2020-01-01T00:00:00Z");
    }
    h.sandbox
        .update_object(&item, json!({"environmentVariables": aged}))
        .unwrap();

    // Sent back as clients do: secrets without their value.
    let answer = h
        .update_deployment(
            &item,
            json!([
                {"key": "SECRET", "isSecret": true},
                {"key": "TURNED", "isSecret": false},
                {"key": "PLAIN", "isSecret": false, "value": "p1"}
            ]),
        )
        .await;
    assert!(variable(&answer, "SECRET").unwrap().get("value").is_none());
    assert_eq!(
        variable(&answer, "TURNED").unwrap()["value"],
        "t1",
        "a secret turned plain without a value keeps its value, now shown"
    );
    let stored = h.sandbox.object(&item).unwrap();
    let at = |key: &str| variable(&stored, key).unwrap()["updatedAt"].clone();
    assert_eq!(variable(&stored, "SECRET").unwrap()["value"], "s1");
    assert_eq!(at("SECRET"), "2020-01-01T00:00:00Z", "unchanged");
    assert_eq!(at("PLAIN"), "2020-01-01T00:00:00Z", "unchanged");
    assert_ne!(at("TURNED"), "2020-01-01T00:00:00Z", "its secrecy changed");

    // "" empties, a value replaces, a variable left out is removed.
    h.update_deployment(
        &item,
        json!([{"key": "SECRET", "isSecret": true, "value": ""}]),
    )
    .await;
    let stored = h.sandbox.object(&item).unwrap();
    assert_eq!(keys(&stored), ["SECRET"]);
    assert_eq!(variable(&stored, "SECRET").unwrap()["value"], "");
    assert_ne!(
        variable(&stored, "SECRET").unwrap()["updatedAt"],
        "2020-01-01T00:00:00Z"
    );
    let answer = h
        .update_deployment(
            &item,
            json!([{"key": "SECRET", "isSecret": true, "value": "s2"}]),
        )
        .await;
    assert!(variable(&answer, "SECRET").unwrap().get("value").is_none());
    let stored = h.sandbox.object(&item).unwrap();
    assert_eq!(variable(&stored, "SECRET").unwrap()["value"], "s2");
    h.update_deployment(&item, json!([])).await;
    assert_eq!(keys(&h.sandbox.object(&item).unwrap()), Vec::<&str>::new());
}

#[tokio::test]
async fn role_updates_replace_the_roles_and_read_back() {
    let h = Harness::new().await;
    let workspace = h.sandbox.workspace_id().to_string();
    let me = h.get("/v1/users/self").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let user = h.org(&format!("/users/{me}"));
    let seeded = h.get(&user).await;
    assert_eq!(seeded["organizationRole"], "ORGANIZATION_OWNER");
    assert_eq!(
        seeded["workspaceRoles"],
        json!([{"workspaceId": workspace, "role": "WORKSPACE_OWNER"}])
    );

    let answer = h
        .post(
            &format!("{user}/roles"),
            json!({"organizationRole": "ORGANIZATION_MEMBER",
                   "workspaceRoles": [{"workspaceId": workspace, "role": "WORKSPACE_AUTHOR"}],
                   "deploymentRoles": [{"deploymentId": "d-1", "role": "DEPLOYMENT_ADMIN"}]}),
        )
        .await;
    assert_eq!(answer["organizationRole"], "ORGANIZATION_MEMBER");
    for read in [
        h.get(&user).await,
        h.get(&h.org("/users")).await["users"][0].clone(),
    ] {
        assert_eq!(read["organizationRole"], "ORGANIZATION_MEMBER");
        assert_eq!(read["workspaceRoles"][0]["role"], "WORKSPACE_AUTHOR");
        assert_eq!(read["deploymentRoles"][0]["deploymentId"], "d-1");
    }
    h.post(
        &format!("{user}/roles"),
        json!({"organizationRole": "ORGANIZATION_MEMBER"}),
    )
    .await;
    let read = h.get(&user).await;
    assert_eq!(read["workspaceRoles"], json!([]), "left out, so revoked");
    assert_eq!(read["deploymentRoles"], json!([]));
    let (status, body) = h
        .send(
            "POST",
            &format!("{user}/roles"),
            Some(json!({"organizationRole": "ORGANIZATION_EMPEROR"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = h
        .send(
            "POST",
            &h.org("/users/nobody/roles"),
            Some(json!({"organizationRole": "ORGANIZATION_MEMBER"})),
        )
        .await;
    assert_eq!(status, 404);

    let team = h.post(&h.org("/teams"), json!({"name": "data"})).await;
    assert_eq!(team["organizationRole"], "ORGANIZATION_MEMBER");
    assert_eq!(team["workspaceRoles"], json!([]));
    let team = h.org(&format!("/teams/{}", team["id"].as_str().unwrap()));
    h.post(
        &format!("{team}/roles"),
        json!({"organizationRole": "ORGANIZATION_BILLING_ADMIN",
               "workspaceRoles": [{"workspaceId": workspace, "role": "WORKSPACE_OPERATOR"}]}),
    )
    .await;
    let read = h.get(&team).await;
    assert_eq!(read["organizationRole"], "ORGANIZATION_BILLING_ADMIN");
    assert_eq!(read["workspaceRoles"][0]["role"], "WORKSPACE_OPERATOR");

    let token = h
        .post(
            &h.org("/tokens"),
            json!({"name": "ci", "scope": "WORKSPACE", "role": "WORKSPACE_MEMBER",
                   "entityId": workspace}),
        )
        .await;
    assert_eq!(
        token["roles"],
        json!([{"entityId": workspace, "entityType": "WORKSPACE", "role": "WORKSPACE_MEMBER"}])
    );
    let token = h.org(&format!("/tokens/{}", token["id"].as_str().unwrap()));
    let answer = h
        .post(
            &format!("{token}/roles"),
            json!({"roles": [
                {"entityId": h.sandbox.organization_id(), "entityType": "ORGANIZATION",
                 "role": "ORGANIZATION_MEMBER"},
                {"entityId": "d-1", "entityType": "DEPLOYMENT", "role": "DEPLOYMENT_ADMIN"}
            ]}),
        )
        .await;
    assert_eq!(answer["organizationRole"], "ORGANIZATION_MEMBER");
    assert_eq!(answer["workspaceRoles"], json!([]));
    assert_eq!(
        answer["deploymentRoles"],
        json!([{"deploymentId": "d-1", "role": "DEPLOYMENT_ADMIN"}])
    );
    let read = h.get(&token).await;
    let types: Vec<&str> = read["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["entityType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["ORGANIZATION", "DEPLOYMENT"]);
    let listed = h.get(&h.org("/tokens")).await;
    assert_eq!(listed["tokens"][0]["roles"], read["roles"]);
}

/// Decodes base64url without padding.
fn unbase64url(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let sextets: Vec<u32> = text
        .bytes()
        .map(|c| alphabet.iter().position(|a| *a == c).expect("base64url") as u32)
        .collect();
    let mut out = Vec::new();
    for chunk in sextets.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0, |n, (i, s)| n | s << (18 - 6 * i));
        for byte in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * byte)) as u8);
        }
    }
    out
}

fn jwt_part(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("three parts");
    serde_json::from_slice(&unbase64url(part)).expect("JSON")
}

#[tokio::test]
async fn issued_token_values_are_jwts_answered_only_once() {
    let h = Harness::new().await;
    let tokens = h.org("/tokens");
    let created = h
        .post(
            &tokens,
            json!({"name": "ci", "scope": "ORGANIZATION", "role": "ORGANIZATION_MEMBER",
                   "tokenExpiryPeriodInDays": 30}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let value = created["token"]
        .as_str()
        .expect("a create answers the value");
    assert_eq!(value.split('.').count(), 3);
    assert!(!value.contains('='));
    assert_eq!(jwt_part(value, 0), json!({"alg": "HS256", "typ": "JWT"}));
    let claims = jwt_part(value, 1);
    assert_eq!(claims["sub"], id);
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64(), Some(iat + 30 * 86_400));
    assert_eq!(created["expiryPeriodInDays"], 30);
    assert!(created["endAt"].is_string());

    let item = format!("{tokens}/{id}");
    assert!(h.get(&item).await.get("token").is_none());
    assert!(h.get(&tokens).await["tokens"][0].get("token").is_none());
    assert!(h.sandbox.object(&item).unwrap().get("token").is_none());

    let rotated = h.post(&format!("{item}/rotate"), json!({})).await;
    let new_value = rotated["token"].as_str().unwrap();
    assert_ne!(new_value, value);
    assert_eq!(jwt_part(new_value, 1)["sub"], id);
    assert!(rotated["lastRotatedAt"].is_string());

    let lasting = h
        .post(
            &tokens,
            json!({"name": "forever", "scope": "ORGANIZATION", "role": "ORGANIZATION_MEMBER"}),
        )
        .await;
    let claims = jwt_part(lasting["token"].as_str().unwrap(), 1);
    assert!(claims["iat"].is_i64());
    assert!(claims.get("exp").is_none(), "{claims}");
    assert!(lasting.get("endAt").is_none());
}

#[tokio::test]
async fn issued_tokens_authenticate_until_rotated_deleted_or_expired() {
    let mut h = Harness::with(Sandbox::builder().token("admin")).await;
    h.bearer = "admin".into();
    let tokens = h.org("/tokens");
    let org = h.org("");
    let create = |name: &str| {
        json!({"name": name, "scope": "ORGANIZATION", "role": "ORGANIZATION_MEMBER",
               "tokenExpiryPeriodInDays": 1})
    };

    let (status, body) = h.send_as("someone", "GET", &org, None).await;
    assert_eq!(status, 401);
    assert!(
        body["message"].as_str().unwrap().contains("unknown"),
        "{body}"
    );

    let created = h.post(&tokens, create("ci")).await;
    let item = format!("{tokens}/{}", created["id"].as_str().unwrap());
    let first = created["token"].as_str().unwrap().to_string();
    assert_eq!(h.send_as(&first, "GET", &org, None).await.0, 200);

    let rotated = h.post(&format!("{item}/rotate"), json!({})).await;
    let second = rotated["token"].as_str().unwrap().to_string();
    let (status, body) = h.send_as(&first, "GET", &org, None).await;
    assert_eq!(status, 401);
    assert!(
        body["message"].as_str().unwrap().contains("rotated"),
        "{body}"
    );
    assert_eq!(h.send_as(&second, "GET", &org, None).await.0, 200);

    h.sandbox
        .update_object(&item, json!({"endAt": "2020-01-01T00:00:00Z"}))
        .unwrap();
    let (status, body) = h.send_as(&second, "GET", &org, None).await;
    assert_eq!(status, 401);
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );

    let other = h.post(&tokens, create("other")).await;
    let value = other["token"].as_str().unwrap().to_string();
    assert_eq!(h.send_as(&value, "GET", &org, None).await.0, 200);
    let other = format!("{tokens}/{}", other["id"].as_str().unwrap());
    assert_eq!(h.send("DELETE", &other, None).await.0, 204);
    let (status, body) = h.send_as(&value, "GET", &org, None).await;
    assert_eq!(status, 401);
    assert!(
        body["message"].as_str().unwrap().contains("revoked"),
        "{body}"
    );

    // A token issued with no lifetime left is expired at once.
    let spent = h
        .post(
            &tokens,
            json!({"name": "spent", "scope": "ORGANIZATION", "role": "ORGANIZATION_MEMBER",
                   "tokenExpiryPeriodInDays": 0}),
        )
        .await;
    let (status, body) = h
        .send_as(spent["token"].as_str().unwrap(), "GET", &org, None)
        .await;
    assert_eq!(status, 401);
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );
    assert_eq!(
        h.send("GET", &org, None).await.0,
        200,
        "the sandbox's token"
    );
}

#[tokio::test]
async fn busy_clusters_answer_409_conflicts() {
    let h = Harness::new().await;
    let clusters = h.org("/clusters");
    let cluster = h
        .post(&clusters, request_body("CreateCluster", json!({})))
        .await;
    let item = format!("{clusters}/{}", cluster["id"].as_str().unwrap());
    h.sandbox
        .inject(
            "UpdateCluster",
            Fault::status(409, "workflow already running"),
        )
        .unwrap();
    h.sandbox
        .inject("DeleteCluster", Fault::conflict("workflow already running"))
        .unwrap();
    let update = request_body("UpdateCluster", json!({}));
    let (status, body) = h.send("POST", &item, Some(update.clone())).await;
    assert_eq!(
        (
            status,
            body["statusCode"].as_u64(),
            body["message"].as_str()
        ),
        (409, Some(409), Some("workflow already running"))
    );
    assert!(body["requestId"].is_string());
    let (status, body) = h.send("DELETE", &item, None).await;
    assert_eq!((status, body["statusCode"].as_u64()), (409, Some(409)));
    assert_eq!(h.send("POST", &item, Some(update)).await.0, 200);
    assert_eq!(h.send("DELETE", &item, None).await.0, 204);
}

#[tokio::test]
async fn stored_objects_can_be_read_and_changed_directly() {
    let h = Harness::new().await;
    let item = h.org(&format!("/workspaces/{}", h.sandbox.workspace_id()));
    let before = h.sandbox.object(&item).unwrap();
    let changed = h
        .sandbox
        .update_object(&item, json!({"description": "changed elsewhere"}))
        .unwrap();
    assert_eq!(changed["description"], "changed elsewhere");
    assert_eq!(changed["name"], before["name"]);
    assert_eq!(h.get(&item).await["description"], "changed elsewhere");
    assert!(
        h.sandbox
            .update_object(&item, json!({"colour": "red"}))
            .unwrap_err()
            .to_string()
            .contains("colour")
    );
    assert!(h.sandbox.update_object(&item, json!({"name": 3})).is_err());
    assert!(h.sandbox.object(&h.org("/workspaces/missing")).is_none());
    assert!(h.sandbox.object("/v1/nowhere").is_none());
}
