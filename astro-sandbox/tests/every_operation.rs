//! Every operation of every served document, read from the documents at test time, is served:
//! a request built from the document alone (sample body, sample required query parameters) is
//! routed to that operation and answered with its success status, `404` for an item that
//! does not exist, or `409` for a bulk create of a value an earlier sample request created. Nothing here names an operation, so a regenerated document is covered as is:
//! 75/75 operations of Astro API v1, and with `--features v1beta1` also 59/59 of v1beta1.

use astro_sandbox::Sandbox;
use astro_spec::samples::sample;
use astro_spec::{Document, ParameterLocation};
use serde_json::Value;

/// The documents the sandbox serves, by API name, as the client crates pin them.
fn documents() -> Vec<(&'static str, &'static str)> {
    #[allow(unused_mut)]
    let mut documents = vec![("astro", astro_platform::SPEC_YAML)];
    #[cfg(feature = "v1beta1")]
    documents.extend([
        ("platform", astro_platform::v1beta1::SPEC_YAML),
        ("iam", astro_iam::v1beta1::SPEC_YAML),
    ]);
    documents
}

#[tokio::test]
async fn every_documented_operation_is_served() {
    let sandbox = Sandbox::start().await.unwrap();
    let http = reqwest::Client::new();
    let mut served = 0;
    for (api, text) in documents() {
        let document = Document::parse(text.as_bytes()).unwrap();
        let base = sandbox.api_url(api).expect("the API is served");
        let mut served_here = 0;
        for operation in document.operations() {
            let mut path = operation.path.clone();
            let mut query = Vec::new();
            for parameter in &operation.parameters {
                match parameter.location {
                    ParameterLocation::Path => {
                        let value = match parameter.name.as_str() {
                            "organizationId" => sandbox.organization_id().to_string(),
                            other => format!("missing-{other}"),
                        };
                        path = path.replace(&format!("{{{}}}", parameter.name), &value);
                    }
                    ParameterLocation::Query if parameter.required => {
                        let values = match sample(&document, &parameter.schema) {
                            Value::Array(items) => items,
                            single => vec![single],
                        };
                        for value in values {
                            let text = match value {
                                Value::String(text) => text,
                                other => other.to_string(),
                            };
                            query.push((parameter.name.clone(), text));
                        }
                    }
                    _ => {}
                }
            }
            let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
            let mut request = http
                .request(method, format!("{base}{path}"))
                .bearer_auth("t")
                .query(&query);
            if let Some(schema) = &operation.request_body {
                request = request.json(&sample(&document, schema));
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body = String::from_utf8_lossy(&response.bytes().await.unwrap()).into_owned();
            let recorded = sandbox.requests().pop().unwrap();
            assert_eq!(
                (recorded.api.as_deref(), recorded.operation_id.as_deref()),
                (Some(api), Some(operation.id.as_str())),
                "{} {path} was not routed to {api} {}",
                operation.method,
                operation.id
            );
            let expected = status == operation.success_status
                || (status == 404 && body.contains("not found"))
                || (status == 409 && body.contains("already exists"));
            assert!(expected, "{api} {} answered {status}: {body}", operation.id);
            served_here += 1;
        }
        let expected = match api {
            "astro" => 75,
            "platform" => 28,
            _ => 31,
        };
        assert_eq!(served_here, expected, "{api}");
        served += served_here;
    }
    assert_eq!(served, sandbox.operation_ids().len());
}
