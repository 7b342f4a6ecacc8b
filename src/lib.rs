//! Facade (work in progress).
#[cfg(feature = "iam")]
pub use astro_iam as iam;
#[cfg(feature = "platform")]
pub use astro_platform as platform;
pub use astro_runtime::{Call, Error, ErrorKind};
