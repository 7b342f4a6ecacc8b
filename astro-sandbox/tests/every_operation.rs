//! Every operation of both pinned documents, read from the documents at test time, is served:
//! a request built from the document alone (sample body, sample required query parameters) is
//! routed to that operation and answered with its success status, or `404` for an item that
//! does not exist. Nothing here names an operation, so a regenerated document is covered as is.

use astro_sandbox::Sandbox;
use astro_spec::samples::sample;
use astro_spec::{Document, ParameterLocation};
use serde_json::Value;

#[tokio::test]
async fn every_documented_operation_is_served() {
    let sandbox = Sandbox::start().await.unwrap();
    let http = reqwest::Client::new();
    let mut served = 0;
    for (api, text) in [
        ("platform", astro_platform::SPEC_YAML),
        ("iam", astro_iam::SPEC_YAML),
    ] {
        let document = Document::parse(text.as_bytes()).unwrap();
        let base = format!("{}/{api}/{}", sandbox.url(), document.info_version());
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
                        let value = match sample(&document, &parameter.schema) {
                            Value::String(text) => text,
                            other => other.to_string(),
                        };
                        query.push((parameter.name.clone(), value));
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
            let body = response.text().await.unwrap();
            let recorded = sandbox.requests().pop().unwrap();
            assert_eq!(
                recorded.operation_id.as_deref(),
                Some(operation.id.as_str()),
                "{} {path} was not routed to {}",
                operation.method,
                operation.id
            );
            let expected =
                status == operation.success_status || (status == 404 && body.contains("not found"));
            assert!(expected, "{} answered {status}: {body}", operation.id);
            served += 1;
        }
    }
    assert_eq!(served, sandbox.operation_ids().len());
}
