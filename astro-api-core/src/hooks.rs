//! The `client_hooks!` macro: installs the runtime in a generated crate's `Client`.

/// Implements progenitor's `ClientHooks` for a generated `Client` whose inner value is a
/// [`Runtime`](crate::Runtime), routing every request through [`Runtime::execute`](crate::Runtime::execute).
///
/// Progenitor requires the impl to live in the crate that defines `Client`; each generated crate
/// invokes this macro once, next to the `include!` of its generated code.
#[macro_export]
macro_rules! client_hooks {
    ($client:ty) => {
        impl $crate::__private::progenitor_client::ClientHooks<$crate::Runtime> for $client {
            async fn exec(
                &self,
                request: $crate::__private::reqwest::Request,
                info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> $crate::__private::reqwest::Result<$crate::__private::reqwest::Response> {
                use $crate::__private::progenitor_client::ClientInfo as _;
                self.inner()
                    .execute(self.client(), request, info.operation_id)
                    .await
            }
        }
    };
}
