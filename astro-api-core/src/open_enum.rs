//! The `open_enum!` macro used by generated code for every string enum, and the opaque value
//! its `Unknown` variant holds.

use std::fmt;

/// A value an open enum did not know when it was generated, as the service sent it.
///
/// Readable ([`as_str`](Self::as_str)) but not constructible outside this crate, so no code can
/// hold an `Unknown` whose text is a known value, and no comparison with a constructed
/// `Unknown("NEW")` silently turns false the day a regen makes `NEW` a known variant. Compare
/// the enum's `as_str()` instead: it gives the same text before and after.
///
/// ```compile_fail
/// # astro_api_core::open_enum! { pub enum Size { Small = "SMALL", } }
/// let _ = Size::Unknown(astro_api_core::UnknownValue("HUGE".into()));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For `open_enum!` only: wraps a value already checked not to be a known one.
    #[doc(hidden)]
    pub fn __new(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares an open string enum: one variant per known value plus `Unknown`, which keeps any
/// other value the server sends (as an opaque [`UnknownValue`]) and serialises it back
/// unchanged.
///
/// ```
/// astro_api_core::open_enum! {
///     /// A size.
///     pub enum Size { Small = "SMALL", Large = "LARGE", }
/// }
/// let size: Size = serde_json::from_str("\"HUGE\"").unwrap();
/// assert!(size.is_unknown());
/// assert_eq!(size.as_str(), "HUGE");
/// assert_eq!(size, Size::from("HUGE"));
/// assert_eq!(serde_json::to_string(&size).unwrap(), "\"HUGE\"");
/// assert_eq!("SMALL".parse::<Size>().unwrap(), Size::Small);
/// // A known value never becomes `Unknown`, however it is made.
/// assert_eq!(Size::from("LARGE".to_string()), Size::Large);
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $variant:ident = $value:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $value, "`")]
                $variant,
            )*
            /// A value this crate did not know when it was generated; its text is kept, readable
            /// with `as_str()`. Match it as `Unknown(_)`; to test for a particular new value,
            /// compare the enum's `as_str()`, which stays right after a regen makes it known.
            Unknown($crate::UnknownValue),
        }

        impl $name {
            /// Every value known when this crate was generated.
            pub const KNOWN: &'static [&'static str] = &[$( $value ),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether the value was unknown to this crate.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown($crate::UnknownValue::__new(other.to_string())),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $value => Self::$variant, )*
                    _ => Self::Unknown($crate::UnknownValue::__new(value)),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::borrow::Cow<'de, str> =
                    $crate::__private::serde::Deserialize::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }

        impl $crate::__private::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(
                _: &mut $crate::__private::schemars::SchemaGenerator,
            ) -> $crate::__private::schemars::Schema {
                $crate::__private::schemars::json_schema!({
                    "type": "string",
                    "description": "An open enum: one of the known values, or any other string the service adds later.",
                    "examples": Self::KNOWN,
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::open_enum! {
        /// Test enum.
        pub enum Status { Healthy = "HEALTHY", UpgradePending = "UPGRADE_PENDING", }
    }

    #[test]
    fn known_and_unknown_values_round_trip() {
        let parsed: Vec<Status> =
            serde_json::from_str(r#"["HEALTHY","UPGRADE_PENDING","ACCESS_DENIED"]"#).unwrap();
        assert_eq!(parsed[..2], [Status::Healthy, Status::UpgradePending]);
        assert_eq!(parsed[2].as_str(), "ACCESS_DENIED");
        assert!(matches!(&parsed[2], Status::Unknown(value) if value.as_str() == "ACCESS_DENIED"));
        assert_eq!(format!("{:?}", parsed[2]), r#"Unknown("ACCESS_DENIED")"#);
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            r#"["HEALTHY","UPGRADE_PENDING","ACCESS_DENIED"]"#
        );
        assert!(parsed[2].is_unknown());
        assert_eq!(parsed[1].to_string(), "UPGRADE_PENDING");
    }

    #[test]
    fn rejects_non_strings() {
        assert!(serde_json::from_str::<Status>("3").is_err());
    }
}
