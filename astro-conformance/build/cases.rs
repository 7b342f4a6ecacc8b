//! One test per operation and variant: the builder call with every parameter set, the request
//! the server must receive, and the response it answers with.

use astro_spec::naming;
use astro_spec::samples;
use astro_spec::{ApiPin, Area, Document, Operation, ParameterLocation};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::future;
use crate::setters::Setters;
use crate::values;

/// Which values a case sends.
#[derive(Clone, Copy)]
enum Variant {
    /// Every parameter, and bodies and responses with every optional property.
    AllFields,
    /// Only the required parameters, and bodies and responses with required properties only.
    RequiredOnly,
    /// Only the required parameters and properties, and a response from a later version of
    /// the service (see [`future`]).
    FutureResponse,
}

impl Variant {
    /// Whether optional parameters are set.
    fn all_parameters(self) -> bool {
        matches!(self, Variant::AllFields)
    }

    /// The sample of a request body or response for this variant, with every free-form map
    /// given an entry (see [`values::fill_free_maps`]).
    fn sample(self, document: &Document, schema: &Value) -> Value {
        let mut value = match self {
            Variant::AllFields => samples::sample(document, schema),
            Variant::RequiredOnly => samples::minimal_sample(document, schema),
            Variant::FutureResponse => return Variant::AllFields.sample(document, schema),
        };
        values::fill_free_maps(document, schema, &mut value);
        value
    }

    /// The sample of a request body for this variant.
    fn body(self, document: &Document, schema: &Value) -> Value {
        match self {
            Variant::AllFields => self.sample(document, schema),
            Variant::RequiredOnly | Variant::FutureResponse => {
                Variant::RequiredOnly.sample(document, schema)
            }
        }
    }

    /// The response served, and the JSON the decoded value must serialise back to.
    fn response(self, document: &Document, schema: &Value) -> (Value, Value) {
        match self {
            Variant::AllFields | Variant::RequiredOnly => {
                let value = self.sample(document, schema);
                (value.clone(), value)
            }
            Variant::FutureResponse => {
                let value = self.sample(document, schema);
                (
                    future::future(document, schema, &value, true),
                    future::future(document, schema, &value, false),
                )
            }
        }
    }

    /// The end of the test name.
    fn suffix(self) -> &'static str {
        match self {
            Variant::AllFields => "all_fields",
            Variant::RequiredOnly => "required_only",
            Variant::FutureResponse => "future_response",
        }
    }
}

/// One generated module under test: a crate's area of a pinned document.
pub struct Module<'a> {
    pin: &'a ApiPin,
    area: &'a Area,
}

impl<'a> Module<'a> {
    /// The module of `pin` generated into the crate of `area`.
    pub fn new(pin: &'a ApiPin, area: &'a Area) -> Self {
        Module { pin, area }
    }

    /// The name of the emitted test module: the crate's (`astro_platform`), followed by the
    /// pin's feature when it has one (`astro_platform_v1beta1`).
    pub fn ident(&self) -> Ident {
        let krate = naming::snake(&self.area.crate_dir);
        match &self.pin.feature {
            Some(feature) => format_ident!("{krate}_{}", naming::snake(feature)),
            None => format_ident!("{krate}"),
        }
    }

    /// The Rust path of the generated module (`astro_platform`, `astro_platform::v1beta1`).
    fn path(&self) -> TokenStream {
        let krate = format_ident!("{}", naming::snake(&self.area.crate_dir));
        match &self.pin.feature {
            Some(feature) => {
                let feature = format_ident!("{}", naming::snake(feature));
                quote!(#krate::#feature)
            }
            None => quote!(#krate),
        }
    }
}

/// The test module of one generated module: a test per operation and variant, and `COVERED`.
/// `document` is the whole pinned document; the module tests its area's operations.
pub fn api_module(
    module: &Module,
    document: &Document,
    setters: &Setters,
) -> Result<TokenStream, String> {
    let pin = module.pin;
    let name = module.ident();
    let path = module.path();
    let api_name = &pin.name;
    let base_path = base_path(document, pin);
    let version_header = match &pin.version_header {
        Some(header) => {
            let version = document.info_version();
            quote!(Some((#header, #version)))
        }
        None => quote!(None),
    };
    let document = &document.select_area(module.area);
    let mut tests = Vec::new();
    let mut ids = Vec::new();
    for operation in document.operations() {
        let shapes = body_shapes(document, &operation);
        let mut cases = Vec::new();
        for body in &shapes {
            cases.push((Variant::AllFields, body.as_ref()));
            cases.push((Variant::RequiredOnly, body.as_ref()));
        }
        if operation.success_schema.is_some() {
            cases.push((Variant::FutureResponse, shapes[0].as_ref()));
        }
        for (variant, body) in cases {
            tests.push(
                case(module, document, &operation, setters, variant, body)
                    .map_err(|e| format!("{} operation {}: {e}", pin.name, operation.id))?,
            );
        }
        tests.extend(refusal_case(&operation));
        ids.push(operation.id.clone());
    }
    Ok(quote! {
        /// Conformance tests of one generated module.
        pub mod #name {
            #[allow(unused_imports)]
            use #path as api;
            #[allow(unused_imports)]
            use api::types;

            /// The API these tests call.
            pub const API: ::astro_conformance::Api = ::astro_conformance::Api {
                name: #api_name,
                base_path: #base_path,
                version_header: #version_header,
            };

            /// The operation ids these tests cover.
            pub const COVERED: &[&str] = &[ #( #ids ),* ];

            /// The client every test uses.
            fn client(server: &::wiremock::MockServer) -> api::Client {
                api::Client::new_with_client(
                    &API.base_url(server),
                    ::astro_conformance::http_client(),
                    ::astro_conformance::runtime(),
                )
            }

            #( #tests )*
        }
    })
}

/// The path part of the spec's first server URL (`/platform/v1beta1`), or `/<name>/<version>`.
fn base_path(document: &Document, pin: &ApiPin) -> String {
    let url = document
        .value()
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |at| &rest[at..]),
        None => url,
    };
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        format!("/{}/{}", pin.name, pin.version)
    } else {
        path.to_string()
    }
}

/// One shape of a request body: the body schema itself, or one member of a `oneOf`/`anyOf`
/// body, so that every alternative is sent through the generated type.
struct BodyShape {
    /// The member's schema name, for the test name; `None` for a body without alternatives.
    member: Option<String>,
    /// The schema the sample body is built from.
    schema: Value,
}

/// The body shapes to test: `[None]` without a body, each member of a `oneOf`/`anyOf` body, or
/// the body schema.
fn body_shapes(document: &Document, operation: &Operation) -> Vec<Option<BodyShape>> {
    let Some(schema) = &operation.request_body else {
        return vec![None];
    };
    let resolved = document.resolve(schema);
    let members = ["oneOf", "anyOf"]
        .iter()
        .find_map(|key| resolved.get(*key).and_then(Value::as_array));
    match members {
        Some(members) => members
            .iter()
            .enumerate()
            .map(|(index, member)| {
                let name = member
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.rsplit('/').next())
                    .map_or_else(|| format!("member{index}"), str::to_string);
                Some(BodyShape {
                    member: Some(name),
                    schema: member.clone(),
                })
            })
            .collect(),
        None => vec![Some(BodyShape {
            member: None,
            schema: schema.clone(),
        })],
    }
}

fn case(
    module: &Module,
    document: &Document,
    operation: &Operation,
    setters: &Setters,
    variant: Variant,
    body_shape: Option<&BodyShape>,
) -> Result<TokenStream, String> {
    let builder = naming::pascal(&operation.id);
    let builder_setters = setters
        .get(&builder)
        .ok_or_else(|| format!("the generated code has no builder `{builder}`"))?;
    let mut calls = Vec::new();
    let mut path_values = Vec::new();
    let mut query_pairs = Vec::new();
    let mut used = Vec::new();
    for parameter in &operation.parameters {
        if !variant.all_parameters() && !parameter.required {
            continue;
        }
        let setter = naming::snake(&parameter.name);
        let ty = builder_setters.get(&setter).ok_or_else(|| {
            format!(
                "parameter `{}` has no setter `{setter}` on builder `{builder}`",
                parameter.name
            )
        })?;
        let value = values::parameter_value(document, parameter);
        match parameter.location {
            ParameterLocation::Path => {
                let name = &parameter.name;
                let text = values::scalar_text(name, &value)?;
                path_values.push(quote!((#name, #text)));
            }
            ParameterLocation::Query => {
                for (key, text) in values::query_pairs(&parameter.name, &value)? {
                    query_pairs.push(quote!((#key, #text)));
                }
            }
            other => {
                return Err(format!(
                    "parameter `{}` is a {other:?} parameter; this suite only knows path and query parameters",
                    parameter.name
                ));
            }
        }
        calls.push(setter_call(module, &setter, ty, &parameter.name, &value)?);
        used.push(setter);
    }
    let skip_body = !variant.all_parameters() && !operation.request_body_required;
    let body = match body_shape.map(|shape| &shape.schema).filter(|_| !skip_body) {
        Some(schema) => {
            let ty = builder_setters.get("body").ok_or_else(|| {
                format!("the operation takes a body but builder `{builder}` has no `body` setter")
            })?;
            let value = variant.body(document, schema);
            // A member of a `oneOf` body is built as its own type and converted by the setter,
            // as a caller would: the generated untagged enum cannot tell members apart from
            // JSON alone.
            let member_type = body_shape
                .and_then(|shape| shape.member.as_deref())
                .map(|name| {
                    syn::parse_str::<syn::Type>(&format!("types::{}", naming::pascal(name)))
                })
                .transpose()
                .map_err(|e| format!("body member type: {e}"))?;
            calls.push(setter_call(
                module,
                "body",
                member_type.as_ref().unwrap_or(ty),
                "request body",
                &value,
            )?);
            used.push("body".to_string());
            let text = value.to_string();
            quote!(Some(#text))
        }
        None => quote!(None),
    };
    if matches!(variant, Variant::AllFields)
        && let Some(extra) = builder_setters.keys().find(|name| !used.contains(name))
    {
        return Err(format!(
            "builder `{builder}` has a setter `{extra}` that matches no parameter or body of the spec"
        ));
    }
    let (response, decoded) = match &operation.success_schema {
        Some(schema) => {
            let (served, decoded) = variant.response(document, schema);
            let (served, decoded) = (served.to_string(), decoded.to_string());
            (quote!(Some(#served)), quote!(Some(#decoded)))
        }
        None if operation.success_binary => (quote!(Some(#BINARY_BODY)), quote!(None)),
        None => (quote!(None), quote!(None)),
    };
    let content_type = success_content_type(document, operation);
    let check = if operation.success_binary {
        quote!(check_bytes)
    } else {
        quote!(check)
    };
    let suffix = variant.suffix();
    let member = body_shape
        .and_then(|shape| shape.member.as_deref())
        .map(|name| format!("_{}", naming::snake(name)))
        .unwrap_or_default();
    let test = format_ident!("{}{member}_{suffix}", naming::snake(&operation.id));
    let method = format_ident!("{}", naming::snake(&operation.id));
    let id = &operation.id;
    let http_method = &operation.method;
    let template = &operation.path;
    let status = operation.success_status;
    Ok(quote! {
        #[tokio::test]
        async fn #test() {
            let case = ::astro_conformance::Case {
                api: API,
                operation_id: #id,
                method: #http_method,
                path_template: #template,
                path: &[ #( #path_values ),* ],
                query: &[ #( #query_pairs ),* ],
                body: #body,
                status: #status,
                response: #response,
                content_type: #content_type,
                decoded: #decoded,
            };
            let server = case.serve().await;
            let client = client(&server);
            let call = client.#method() #( #calls )*;
            case.check_constants(&call);
            let output = call.call().await;
            case.#check(&server, output).await;
        }
    })
}

/// The body served for a success response that is not JSON (bytes that are not JSON either).
const BINARY_BODY: &str = "\u{1f}conformance: not JSON\n";

/// The content type of the operation's success response in the document; JSON when it has
/// none.
fn success_content_type(document: &Document, operation: &Operation) -> String {
    let escaped = operation.path.replace('~', "~0").replace('/', "~1");
    let pointer = format!(
        "/paths/{escaped}/{}/responses/{}/content",
        operation.method.to_lowercase(),
        operation.success_status
    );
    document
        .value()
        .pointer(&pointer)
        .and_then(Value::as_object)
        .and_then(|content| content.keys().next().cloned())
        .unwrap_or_else(|| "application/json".to_string())
}

/// A test that calls the operation with nothing set: it must fail before sending, naming a
/// required parameter (or the body). `None` when the operation requires nothing.
fn refusal_case(operation: &Operation) -> Option<TokenStream> {
    let mut required: Vec<String> = operation
        .parameters
        .iter()
        .filter(|p| p.required)
        .map(|p| naming::snake(&p.name))
        .collect();
    if operation.request_body.is_some() && operation.request_body_required {
        required.push("body".to_string());
    }
    if required.is_empty() {
        return None;
    }
    let test = format_ident!("{}_without_required_values", naming::snake(&operation.id));
    let method = format_ident!("{}", naming::snake(&operation.id));
    let id = &operation.id;
    Some(quote! {
        #[tokio::test]
        async fn #test() {
            let server = ::wiremock::MockServer::start().await;
            let client = client(&server);
            let result = client.#method().call().await;
            ::astro_conformance::check_refused(&server, #id, result, &[ #( #required ),* ]).await;
        }
    })
}

/// `.setter(typed::<T>("what", "json"))`, with `T` the exact type the setter converts to
/// (its `crate::` paths, such as `crate::v1beta1::enums::X`, made paths of the module's crate).
fn setter_call(
    module: &Module,
    setter: &str,
    ty: &syn::Type,
    what: &str,
    value: &Value,
) -> Result<TokenStream, String> {
    let krate = format!(":: {} ::", naming::snake(&module.area.crate_dir));
    let text = quote!(#ty).to_string().replace("crate ::", &krate);
    let ty: syn::Type = syn::parse_str(&text).map_err(|e| {
        format!("setter `{setter}` has a type this suite cannot name ({text}): {e}")
    })?;
    let setter = format_ident!("{setter}");
    let json = value.to_string();
    Ok(quote!(.#setter(::astro_conformance::typed::<#ty>(#what, #json))))
}
