//! A corpus of bad server responses, each with its exact outcome: the error kind, the status
//! and request id kept, the number of attempts the server saw, and no panic.
//!
//! One table entry per case: which operation is called, what the server sends (wiremock for
//! well-formed HTTP, the raw TCP server of `support::raw` for resets, stalls and broken
//! framing), how the client is tuned, and what the call must give.

mod support;

use std::time::Duration;

use astro_api::platform::types::{CreateWorkspaceRequest, UpdateWorkspaceRequest};
use astro_api::{Client, ClientBuilder, Error, ErrorKind, RetryPolicy};
use serde_json::{Value, json};
use support::raw::{self, Accept, RawServer, Reply};
use wiremock::{MockServer, ResponseTemplate};

/// The operation a case calls.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// `GetWorkspace`: GET, JSON body.
    Get,
    /// `ListWorkspaces`: GET, JSON page.
    List,
    /// `DeleteWorkspace`: DELETE, 204 without body.
    Delete,
    /// `CreateWorkspace`: a create POST (not idempotent).
    Create,
    /// `UpdateWorkspace`: an update POST (idempotent).
    Update,
}

impl Op {
    /// Calls the operation; a success is turned back into JSON (`null` for no body).
    async fn run(self, client: &Client) -> Result<Value, Error> {
        let org = client.org("org-1");
        match self {
            Op::Get => org
                .get_workspace()
                .workspace_id("ws-1")
                .call()
                .await
                .map(|v| to_json(&v)),
            Op::List => org.list_workspaces().call().await.map(|v| to_json(&v)),
            Op::Delete => org
                .delete_workspace()
                .workspace_id("ws-1")
                .call()
                .await
                .map(|()| Value::Null),
            Op::Create => org
                .create_workspace()
                .body(CreateWorkspaceRequest::builder().name("new"))
                .call()
                .await
                .map(|v| to_json(&v)),
            Op::Update => org
                .update_workspace()
                .workspace_id("ws-1")
                .body(
                    UpdateWorkspaceRequest::builder()
                        .name("renamed")
                        .description("d")
                        .cicd_enforced_default(true),
                )
                .call()
                .await
                .map(|v| to_json(&v)),
        }
    }
}

/// An output turned back into JSON, to compare what was decoded.
fn to_json<T: serde::Serialize>(output: &T) -> Value {
    serde_json::to_value(output).expect("outputs serialise")
}

/// What the server sends.
enum Serve {
    /// This response to every request.
    Mock(ResponseTemplate),
    /// These responses in order, the last one repeated.
    Sequence(Vec<ResponseTemplate>),
    /// The raw server plays these replies in order, the last one repeated.
    Raw(Vec<Reply>),
    /// The raw server resets the first connections at once, then plays the replies.
    RawAfterResets(usize, Vec<Reply>),
    /// A redirect with this status to another local server, which must see no request.
    RedirectElsewhere(u16),
}

/// What the call must give.
enum Expect {
    /// Success, with this output (re-serialised).
    Ok(Value),
    /// This error.
    Fail(Failure),
}

/// The expected error: every field is asserted exactly, `message` as a substring.
struct Failure {
    kind: ErrorKind,
    status: Option<u16>,
    request_id: Option<&'static str>,
    message: &'static str,
    /// Any further property of the error.
    also: fn(&Error) -> Result<(), String>,
}

fn fail(kind: ErrorKind, status: Option<u16>, request_id: Option<&'static str>) -> Failure {
    Failure {
        kind,
        status,
        request_id,
        message: "",
        also: |_| Ok(()),
    }
}

impl Failure {
    fn message(mut self, message: &'static str) -> Self {
        self.message = message;
        self
    }
    fn also(mut self, check: fn(&Error) -> Result<(), String>) -> Self {
        self.also = check;
        self
    }
    fn done(self) -> Expect {
        Expect::Fail(self)
    }
}

/// One case of the corpus.
struct Case {
    name: &'static str,
    op: Op,
    serve: Serve,
    tune: fn(ClientBuilder) -> ClientBuilder,
    expect: Expect,
    /// The requests (connections, for the raw server) the server must see.
    attempts: usize,
}

fn case(name: &'static str, op: Op, serve: Serve, expect: Expect, attempts: usize) -> Case {
    Case {
        name,
        op,
        serve,
        tune: |b| b,
        expect,
        attempts,
    }
}

impl Case {
    fn tune(mut self, tune: fn(ClientBuilder) -> ClientBuilder) -> Self {
        self.tune = tune;
        self
    }
}

const MAX_ATTEMPTS: usize = 4;
const JWT_401: &str = "Jwt is not in the form of Header.Payload.Signature";
const RBAC_403: &str = "RBAC: access denied";

fn workspace() -> Value {
    support::workspace(1)
}

/// `value` with the field at `pointer` set (added when absent).
fn with(mut value: Value, pointer: &str, new: Value) -> Value {
    let (parent, field) = pointer.rsplit_once('/').expect("a JSON pointer");
    value.pointer_mut(parent).expect("the parent exists")[field] = new;
    value
}

fn without(mut value: Value, field: &str) -> Value {
    value.as_object_mut().unwrap().remove(field);
    value
}

fn ok_json(body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn raw_body(status: u16, content_type: &str, body: &[u8]) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", content_type)
        .set_body_raw(body.to_vec(), content_type)
}

fn error_json(status: u16, request_id: Option<&str>) -> ResponseTemplate {
    let mut body = json!({"message": format!("failure {status}"), "statusCode": status});
    if let Some(id) = request_id {
        body["requestId"] = json!(id);
    }
    ResponseTemplate::new(status).set_body_json(body)
}

fn page(items: Vec<Value>) -> Value {
    let total = items.len();
    support::workspaces_page(items, 0, 20, total)
}

fn partial_body_head(length: usize) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n")
        .into_bytes()
}

fn stalled_workspace() -> Reply {
    let body = workspace().to_string();
    let mut bytes = partial_body_head(body.len());
    bytes.extend_from_slice(&body.as_bytes()[..body.len() / 2]);
    Reply::Stall(bytes)
}

/// A short attempt timeout for the stall cases, long enough for a healthy local answer on a
/// loaded machine.
fn short_timeout(builder: ClientBuilder) -> ClientBuilder {
    builder.timeout(Duration::from_secs(3))
}

fn small_bodies(builder: ClientBuilder) -> ClientBuilder {
    builder.max_response_bytes(4096)
}

fn corpus() -> Vec<Case> {
    use ErrorKind::*;
    use Op::*;
    let ws = workspace();
    vec![
        // ---- success statuses whose body is not the documented JSON ----
        case(
            "truncated JSON",
            Get,
            Serve::Mock(raw_body(200, "application/json", br#"{"id":"ws-1","name":"a"#)),
            fail(Decode, Some(200), None).message("EOF while parsing").done(),
            1,
        ),
        case(
            "JSON of the wrong shape (a string for an object)",
            Get,
            Serve::Mock(ok_json(&json!("workspace"))),
            fail(Decode, Some(200), None).message("invalid type: string").done(),
            1,
        ),
        case(
            "JSON of the wrong shape (an object for a page)",
            List,
            Serve::Mock(ok_json(&ws)),
            fail(Decode, Some(200), None).message("missing field").done(),
            1,
        ),
        // Response-only types: a required field the service leaves out is `None` (or `""`,
        // `[]`), so a field a newer document adds never makes today's responses fail.
        case(
            "a required date-time missing decodes as None",
            Get,
            Serve::Mock(ok_json(&without(ws.clone(), "createdAt"))),
            Expect::Ok(without(workspace(), "createdAt")),
            1,
        ),
        case(
            "a required boolean missing decodes as None",
            Get,
            Serve::Mock(ok_json(&without(ws.clone(), "cicdEnforcedDefault"))),
            Expect::Ok(without(workspace(), "cicdEnforcedDefault")),
            1,
        ),
        // The page envelope the pager reads stays required.
        case(
            "a page without totalCount",
            List,
            Serve::Mock(ok_json(&without(page(vec![workspace()]), "totalCount"))),
            fail(Decode, Some(200), None)
                .message("missing field `totalCount`")
                .done(),
            1,
        ),
        case(
            "a field of the wrong type",
            Get,
            Serve::Mock(ok_json(&with(ws.clone(), "/createdAt", json!(12)))),
            fail(Decode, Some(200), None)
                .message("`createdAt`")
                .also(|e| path_is(e, "createdAt"))
                .done(),
            1,
        ),
        case(
            "a field of the wrong type deep in a page",
            List,
            Serve::Mock(ok_json(&page(vec![
                workspace(),
                with(workspace(), "/cicdEnforcedDefault", json!("yes")),
            ]))),
            fail(Decode, Some(200), None)
                .also(|e| path_is(e, "workspaces[1].cicdEnforcedDefault"))
                .done(),
            1,
        ),
        case(
            "an unknown enum value succeeds and round-trips",
            Get,
            Serve::Mock(ok_json(&with(
                ws.clone(),
                "/createdBy",
                json!({"id": "u-1", "subjectType": "ROBOT"}),
            ))),
            Expect::Ok(with(
                workspace(),
                "/createdBy",
                json!({"id": "u-1", "subjectType": "ROBOT"}),
            )),
            1,
        ),
        case(
            "extra fields are ignored",
            Get,
            Serve::Mock(ok_json(&{
                let mut v = ws.clone();
                v["futureField"] = json!({"nested": [1, 2]});
                v["createdBy"] = json!({"id": "u-1", "subjectType": "USER", "newThing": 1});
                v
            })),
            Expect::Ok(with(
                workspace(),
                "/createdBy",
                json!({"id": "u-1", "subjectType": "USER"}),
            )),
            1,
        ),
        case(
            "null where a value is required",
            Get,
            Serve::Mock(ok_json(&with(ws.clone(), "/cicdEnforcedDefault", Value::Null))),
            fail(Decode, Some(200), None)
                .message("invalid type: null")
                .also(|e| path_is(e, "cicdEnforcedDefault"))
                .done(),
            1,
        ),
        case(
            "null for an optional field is accepted",
            Get,
            Serve::Mock(ok_json(&with(ws.clone(), "/description", Value::Null))),
            Expect::Ok(workspace()),
            1,
        ),
        case(
            "an empty body with 200 on a JSON operation",
            Get,
            Serve::Mock(raw_body(200, "application/json", b"")),
            fail(Decode, Some(200), None).message("EOF").done(),
            1,
        ),
        case(
            "an empty body with 204 on a JSON operation",
            Get,
            Serve::Mock(ResponseTemplate::new(204)),
            fail(Decode, Some(204), None)
                .message("unexpected success status 204")
                .done(),
            1,
        ),
        case(
            "an empty body with 204 on a DELETE",
            Delete,
            Serve::Mock(ResponseTemplate::new(204)),
            Expect::Ok(Value::Null),
            1,
        ),
        case(
            "a 200 with a body on a DELETE documented as 204",
            Delete,
            Serve::Mock(ok_json(&json!({}))),
            fail(Decode, Some(200), None)
                .message("unexpected success status 200")
                .done(),
            1,
        ),
        case(
            "a JSON body with the wrong Content-Type still decodes",
            Get,
            Serve::Mock(raw_body(200, "text/html", ws.to_string().as_bytes())),
            Expect::Ok(workspace()),
            1,
        ),
        case(
            "an HTML page announced as JSON",
            Get,
            Serve::Mock(raw_body(
                200,
                "application/json",
                b"<html><body>Maintenance</body></html>",
            )),
            fail(Decode, Some(200), None)
                .also(|e| starts_with(e.body_excerpt(), "<html>"))
                .done(),
            1,
        ),
        case(
            "invalid UTF-8 inside a JSON string",
            Get,
            Serve::Mock(raw_body(
                200,
                "application/json",
                &[br#"{"id":""#.as_slice(), &[0xff, 0xfe], br#""}"#].concat(),
            )),
            fail(Decode, Some(200), None)
                .message("invalid unicode code point")
                .also(|e| path_is(e, "id"))
                .done(),
            1,
        ),
        case(
            "a UTF-8 byte order mark before the JSON",
            Get,
            Serve::Mock(raw_body(
                200,
                "application/json",
                &[b"\xef\xbb\xbf".as_slice(), ws.to_string().as_bytes()].concat(),
            )),
            fail(Decode, Some(200), None).done(),
            1,
        ),
        case(
            "a gzip body is decompressed transparently",
            Get,
            Serve::Mock(
                raw_body(
                    200,
                    "application/json",
                    &support::gzip::gzip(ws.to_string().as_bytes()),
                )
                .insert_header("content-encoding", "gzip"),
            ),
            Expect::Ok(workspace()),
            1,
        ),
        case(
            "a body announced as gzip that is not (a failed transfer: retried, then a body error)",
            Get,
            Serve::Mock(
                raw_body(200, "application/json", ws.to_string().as_bytes())
                    .insert_header("content-encoding", "gzip"),
            ),
            fail(Body, None, None).done(),
            MAX_ATTEMPTS,
        ),
        case(
            "trailing garbage after the JSON",
            Get,
            Serve::Mock(raw_body(
                200,
                "application/json",
                format!("{ws} <!-- cached -->").as_bytes(),
            )),
            fail(Decode, Some(200), None)
                .message("trailing characters")
                .done(),
            1,
        ),
        case(
            "JSON nested 100000 deep is refused without a stack overflow",
            Get,
            Serve::Mock(raw_body(
                200,
                "application/json",
                format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes(),
            )),
            fail(Decode, Some(200), None)
                .also(|e| path_is(e, "[0]"))
                .done(),
            1,
        ),
        case(
            "a number out of range",
            List,
            Serve::Mock(raw_body(
                200,
                "application/json",
                br#"{"workspaces":[],"offset":0,"limit":1e400,"totalCount":0}"#,
            )),
            fail(Decode, Some(200), None)
                .message("number out of range")
                .done(),
            1,
        ),
        case(
            "a fraction where an integer is documented",
            List,
            Serve::Mock(ok_json(&with(page(vec![]), "/totalCount", json!(2.5)))),
            fail(Decode, Some(200), None)
                .message("invalid type: floating point")
                .also(|e| path_is(e, "totalCount"))
                .done(),
            1,
        ),
        // ---- error statuses in every format ----
        case(
            "the gateway's text/plain 401",
            Get,
            Serve::Mock(raw_body(401, "text/plain", JWT_401.as_bytes())),
            fail(Status, Some(401), None)
                .message(JWT_401)
                .also(|e| {
                    check(e.is_auth() && e.message() == JWT_401, "is_auth, exact message")?;
                    check(e.content_type() == Some("text/plain"), "content type kept")
                })
                .done(),
            1,
        ),
        case(
            "the gateway's text/plain 403 with a request-id header",
            Create,
            Serve::Mock(
                raw_body(403, "text/plain", RBAC_403.as_bytes())
                    .insert_header("x-request-id", "gw-403"),
            ),
            fail(Status, Some(403), Some("gw-403"))
                .message(RBAC_403)
                .also(|e| check(e.message() == RBAC_403, "exact message"))
                .done(),
            1,
        ),
        case(
            "an HTML 502 page on a GET (retried, then reported)",
            Get,
            Serve::Mock(
                raw_body(
                    502,
                    "text/html",
                    b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
                )
                .insert_header("x-request-id", "edge-502"),
            ),
            fail(Status, Some(502), Some("edge-502"))
                .message("Bad Gateway")
                .also(|e| starts_with(e.body_excerpt(), "<html>"))
                .done(),
            MAX_ATTEMPTS,
        ),
        case(
            "an HTML 502 page on a create POST (sent once)",
            Create,
            Serve::Mock(raw_body(502, "text/html", b"<html>bad gateway</html>")),
            fail(Status, Some(502), None).message("Bad Gateway").done(),
            1,
        ),
        case(
            "a JSON error without requestId",
            Get,
            Serve::Mock(error_json(400, None)),
            fail(Status, Some(400), None)
                .message("failure 400")
                .done(),
            1,
        ),
        case(
            "a JSON error's requestId wins over the header",
            Get,
            Serve::Mock(error_json(404, Some("body-id")).insert_header("x-request-id", "hdr-id")),
            fail(Status, Some(404), Some("body-id"))
                .message("failure 404")
                .also(|e| check(e.is_not_found(), "is_not_found"))
                .done(),
            1,
        ),
        case(
            "a 500 with a JSON error (not retried, even for a GET)",
            Get,
            Serve::Mock(error_json(500, Some("req-500"))),
            fail(Status, Some(500), Some("req-500"))
                .message("failure 500")
                .done(),
            1,
        ),
        case(
            "an error body nested 100000 deep keeps its status",
            Get,
            Serve::Mock(raw_body(
                400,
                "application/json",
                format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000)).as_bytes(),
            )),
            fail(Status, Some(400), None)
                .message(r#"{"a":{"a":"#)
                .also(|e| check(e.message().chars().count() <= 301, "a bounded message"))
                .done(),
            1,
        ),
        case(
            "a 408 on a GET is retried",
            Get,
            Serve::Sequence(vec![error_json(408, None), ok_json(&ws)]),
            Expect::Ok(workspace()),
            2,
        ),
        case(
            "a 504 on a DELETE is retried",
            Delete,
            Serve::Sequence(vec![error_json(504, None), ResponseTemplate::new(204)]),
            Expect::Ok(Value::Null),
            2,
        ),
        case(
            "a 500 with invalid UTF-8",
            Get,
            Serve::Mock(raw_body(500, "text/plain", &[b'o', b'o', b'p', b's', 0xff, 0xfe])),
            fail(Status, Some(500), None)
                .also(|e| check(e.message().contains('\u{fffd}'), "lossy message"))
                .done(),
            1,
        ),
        case(
            "a 500 with a 1 MiB body keeps a bounded excerpt",
            Get,
            Serve::Mock(raw_body(500, "text/plain", &vec![b'x'; 1 << 20])),
            fail(Status, Some(500), None)
                .also(|e| {
                    let chars = e.body_excerpt().map_or(0, |x| x.chars().count());
                    check(chars == 2049 && e.message().len() <= 304, "bounded")
                })
                .done(),
            1,
        ),
        case(
            "a 503 then a success (an idempotent GET is retried)",
            Get,
            Serve::Sequence(vec![error_json(503, Some("r1")), ok_json(&ws)]),
            Expect::Ok(workspace()),
            2,
        ),
        case(
            "a 503 on an update POST is retried",
            Update,
            Serve::Sequence(vec![error_json(503, None), ok_json(&ws)]),
            Expect::Ok(workspace()),
            2,
        ),
        case(
            "a 503 on a create POST is not retried",
            Create,
            Serve::Sequence(vec![error_json(503, Some("c-503")), ok_json(&ws)]),
            fail(Status, Some(503), Some("c-503")).done(),
            1,
        ),
        case(
            "a 429 without Retry-After, every time (the budget ends with it)",
            Get,
            Serve::Mock(error_json(429, Some("rl"))),
            fail(Status, Some(429), Some("rl"))
                .also(|e| {
                    check(e.is_rate_limited() && e.retry_after().is_none(), "no wait")
                })
                .done(),
            MAX_ATTEMPTS,
        ),
        case(
            "a 429 with Retry-After in seconds, then a success",
            Create,
            Serve::Sequence(vec![
                error_json(429, None).insert_header("retry-after", "1"),
                ok_json(&ws),
            ]),
            Expect::Ok(workspace()),
            2,
        ),
        case(
            "a 429 with a Retry-After date in the past, then a success",
            Get,
            Serve::Sequence(vec![
                error_json(429, None).insert_header("retry-after", "Thu, 01 Jan 2015 00:00:00 GMT"),
                ok_json(&ws),
            ]),
            Expect::Ok(workspace()),
            2,
        ),
        case(
            "a 429 with a Retry-After date beyond the cap is returned at once",
            Get,
            Serve::Mock(
                error_json(429, Some("far"))
                    .insert_header("retry-after", "Fri, 31 Dec 2100 23:59:59 GMT"),
            ),
            fail(Status, Some(429), Some("far"))
                .also(|e| {
                    check(
                        e.retry_after().is_some_and(|d| d > Duration::from_secs(86_400)),
                        "the date is kept as a wait",
                    )
                })
                .done(),
            1,
        ),
        case(
            "a 429 with Retry-After seconds beyond the cap is returned at once",
            Delete,
            Serve::Mock(error_json(429, None).insert_header("retry-after", "86400")),
            fail(Status, Some(429), None)
                .also(|e| {
                    check(e.retry_after() == Some(Duration::from_secs(86_400)), "kept")
                })
                .done(),
            1,
        ),
        case(
            "a garbled Retry-After is ignored (backoff instead)",
            Get,
            Serve::Sequence(vec![
                error_json(429, None).insert_header("retry-after", "soon-ish"),
                ok_json(&ws),
            ]),
            Expect::Ok(workspace()),
            2,
        ),
        case(
            "a redirect to another host is not followed",
            Get,
            Serve::RedirectElsewhere(302),
            fail(Status, Some(302), None).done(),
            1,
        ),
        case(
            "a 307 redirect of a create POST to another host is not followed",
            Create,
            Serve::RedirectElsewhere(307),
            fail(Status, Some(307), None).done(),
            1,
        ),
        case(
            "a request id header that is not UTF-8 is dropped, not a panic",
            Get,
            Serve::Raw(vec![Reply::Bytes(
                [
                    b"HTTP/1.1 404 Not Found\r\nconnection: close\r\nx-request-id: ".as_slice(),
                    &[0xff, 0xfe],
                    b"\r\ncontent-length: 0\r\n\r\n",
                ]
                .concat(),
            )]),
            fail(Status, Some(404), None).done(),
            1,
        ),
        case(
            "a status code outside the registry keeps its number",
            Get,
            Serve::Raw(vec![Reply::Bytes(raw::response(599, &[("x-request-id", "odd")], b"?"))]),
            fail(Status, Some(599), Some("odd")).done(),
            1,
        ),
        // ---- sizes ----
        case(
            "a declared Content-Length above the limit is refused before reading",
            Get,
            // The head promises a gigabyte and then stalls: reading would time out.
            Serve::Raw(vec![Reply::Stall(partial_body_head(1_000_000_000))]),
            fail(Body, None, None)
                .message("Content-Length 1000000000")
                .done(),
            1,
        )
        .tune(small_bodies),
        case(
            "an endless chunked body is cut at the limit",
            List,
            Serve::Raw(vec![Reply::Endless {
                head: b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_vec(),
                chunk: b"400\r\n".iter().chain([b' '; 1024].iter()).chain(b"\r\n").copied().collect(),
            }]),
            fail(Body, None, None)
                .message("larger than the limit of 4096 bytes")
                .done(),
            1,
        )
        .tune(small_bodies),
        case(
            "an endless body without a length (closed-delimited) is cut at the limit",
            Get,
            Serve::Raw(vec![Reply::Endless {
                head: b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n".to_vec(),
                chunk: vec![b'['; 1024],
            }]),
            fail(Body, None, None)
                .message("larger than the limit of 4096 bytes")
                .done(),
            1,
        )
        .tune(small_bodies),
        case(
            "a body under the limit passes",
            Get,
            Serve::Mock(ok_json(&ws)),
            Expect::Ok(workspace()),
            1,
        )
        .tune(small_bodies),
        // ---- stalls, resets and broken framing ----
        case(
            "a stall mid-body times out and the GET is retried",
            Get,
            Serve::Raw(vec![stalled_workspace(), Reply::Bytes(raw::json(200, &ws))]),
            Expect::Ok(workspace()),
            2,
        )
        .tune(short_timeout),
        case(
            "a stall mid-body on a create POST is not retried",
            Create,
            Serve::Raw(vec![stalled_workspace(), Reply::Bytes(raw::json(200, &ws))]),
            fail(Timeout, None, None).done(),
            1,
        )
        .tune(short_timeout),
        case(
            "a stall before the status line times out and the DELETE is retried",
            Delete,
            Serve::Raw(vec![
                Reply::Stall(Vec::new()),
                Reply::Bytes(raw::response(204, &[], b"")),
            ]),
            Expect::Ok(Value::Null),
            2,
        )
        .tune(short_timeout),
        case(
            "a reset before the request is read: the GET is retried",
            Get,
            Serve::RawAfterResets(1, vec![Reply::Bytes(raw::json(200, &ws))]),
            Expect::Ok(workspace()),
            2,
        ),
        // A reset before the request is read is resent by hyper itself when it had not written
        // the request yet, or retried by the runtime otherwise: two connections either way for
        // an idempotent call. (For a create the two paths differ; tests/faults.rs covers it.)
        case(
            "a reset before the request is read: the DELETE is retried",
            Delete,
            Serve::RawAfterResets(1, vec![Reply::Bytes(raw::response(204, &[], b""))]),
            Expect::Ok(Value::Null),
            2,
        ),
        case(
            "a reset after the request is read: the update POST is retried",
            Update,
            Serve::Raw(vec![Reply::Reset, Reply::Bytes(raw::json(200, &ws))]),
            Expect::Ok(workspace()),
            2,
        ),
        case(
            "a reset after the request is read: a create POST is not resent",
            Create,
            Serve::Raw(vec![Reply::Reset, Reply::Bytes(raw::json(200, &ws))]),
            fail(Transport, None, None).done(),
            1,
        ),
        case(
            "a body shorter than its Content-Length: retried, then a body error",
            Get,
            Serve::Raw(vec![Reply::Bytes(
                [partial_body_head(500), b"{\"id\":".to_vec()].concat(),
            )]),
            fail(Body, None, None).done(),
            MAX_ATTEMPTS,
        ),
        case(
            "a chunked body cut mid-chunk on a create POST",
            Create,
            Serve::Raw(vec![Reply::Bytes(
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n100\r\n{\"id\"".to_vec(),
            )]),
            fail(Body, None, None).done(),
            1,
        ),
        case(
            "a garbled status line: retried for a GET, then a transport error",
            Get,
            Serve::Raw(vec![Reply::Bytes(b"HTTP/1.1 OK-ish\r\n\r\n".to_vec())]),
            fail(Transport, None, None).done(),
            MAX_ATTEMPTS,
        ),
        case(
            "not HTTP at all: a create POST is not resent",
            Create,
            Serve::Raw(vec![Reply::Bytes(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec())]),
            fail(Transport, None, None).done(),
            1,
        ),
    ]
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("expected {what}"))
    }
}

fn path_is(error: &Error, path: &str) -> Result<(), String> {
    match error.decode_path() {
        Some(found) if found == path => Ok(()),
        other => Err(format!("decode path {other:?}, expected {path:?}")),
    }
}

fn starts_with(text: Option<&str>, prefix: &str) -> Result<(), String> {
    check(text.is_some_and(|t| t.starts_with(prefix)), prefix)
}

/// Runs one case; `Err` describes how it failed.
async fn run(case: Case) -> Result<(), String> {
    let mut servers = Vec::new();
    let mut raw_server = None;
    let mut elsewhere = None;
    let url = match case.serve {
        Serve::Mock(template) => mount(vec![template], &mut servers).await,
        Serve::Sequence(templates) => mount(templates, &mut servers).await,
        Serve::Raw(replies) => {
            let server = RawServer::script(replies).await;
            let url = server.url().to_string();
            raw_server = Some(server);
            url
        }
        Serve::RawAfterResets(resets, replies) => {
            let server = RawServer::script(replies).await;
            server.queue_accepts(std::iter::repeat_n(Accept::Reset, resets));
            let url = server.url().to_string();
            raw_server = Some(server);
            url
        }
        Serve::RedirectElsewhere(status) => {
            let other = support::Mocked::serving(ok_json(&workspace())).await.server;
            let redirect = ResponseTemplate::new(status)
                .insert_header("location", format!("{}/v1/stolen", other.uri()));
            let url = mount(vec![redirect], &mut servers).await;
            elsewhere = Some(other);
            url
        }
    };
    let builder = Client::builder()
        .token(support::TOKEN)
        .base_url(&url)
        .rate_limits(None)
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5))
                .without_jitter(),
        );
    let client = (case.tune)(builder).build().map_err(|e| e.to_string())?;
    let outcome = case.op.run(&client).await;

    let seen = match (&raw_server, servers.first()) {
        (Some(raw), _) => raw.connections(),
        (None, Some(server)) => server.received_requests().await.unwrap().len(),
        (None, None) => 0,
    };
    if seen != case.attempts {
        return Err(format!(
            "{seen} attempts, expected {}: {outcome:?}",
            case.attempts
        ));
    }
    if let Some(other) = elsewhere {
        let stolen = other.received_requests().await.unwrap();
        if !stolen.is_empty() {
            return Err(format!(
                "{} request(s) reached the other host",
                stolen.len()
            ));
        }
    }
    match (case.expect, outcome) {
        (Expect::Ok(expected), Ok(value)) => check(
            value == expected,
            &format!("output {expected}, got {value}"),
        ),
        (Expect::Ok(_), Err(error)) => Err(format!("expected success, got {error:?}")),
        (Expect::Fail(_), Ok(value)) => Err(format!("expected an error, got {value}")),
        (Expect::Fail(expected), Err(error)) => {
            let text = format!("{error} {error:?}");
            check(!text.contains(support::TOKEN), "no token in the error")?;
            let found = (
                error.kind(),
                error.status().map(|s| s.as_u16()),
                error.request_id(),
            );
            let wanted = (expected.kind, expected.status, expected.request_id);
            check(
                found == wanted,
                &format!("{wanted:?}, got {found:?}: {error:?}"),
            )?;
            let chain = with_causes(&error);
            check(
                chain.contains(expected.message),
                &format!(
                    "message (or cause) containing {:?}, got {chain}",
                    expected.message
                ),
            )?;
            check(!error.message().is_empty(), "a message")?;
            (expected.also)(&error).map_err(|e| format!("{e}: {error:?}"))
        }
    }
}

/// The error's own message followed by its causes, as `{:#}` in anyhow prints them: `Display`
/// shows one level, and the details (serde's message, the body limit) are in the sources.
fn with_causes(error: &Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}

/// Starts a wiremock server playing the templates in order, the last one repeated.
async fn mount(templates: Vec<ResponseTemplate>, servers: &mut Vec<MockServer>) -> String {
    let server = support::Mocked::playing(templates).await.server;
    let url = server.uri();
    servers.push(server);
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_response_has_its_exact_outcome() {
    let cases = corpus();
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    let runs = cases.into_iter().map(|case| {
        let name = case.name;
        let task = tokio::spawn(run(case));
        async move {
            match task.await {
                Ok(Ok(())) => None,
                Ok(Err(why)) => Some(format!("{name}: {why}")),
                Err(join) if join.is_panic() => Some(format!("{name}: PANICKED")),
                Err(join) => Some(format!("{name}: {join}")),
            }
        }
    });
    let failures: Vec<String> = futures::future::join_all(runs)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The gzip helper's trailer is right, or the gzip cases above would test nothing.
#[test]
fn the_gzip_helpers_trailer_has_the_crc32_check_value_and_the_length() {
    let member = support::gzip::gzip(b"123456789");
    let trailer = &member[member.len() - 8..];
    assert_eq!(trailer[..4], 0xcbf4_3926u32.to_le_bytes());
    assert_eq!(trailer[4..], 9u32.to_le_bytes());
}
