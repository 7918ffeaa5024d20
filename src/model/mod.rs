//! Domain types of the Catalyst APIs, shared by the client (`api`) and the sandbox.
//!
//! Owns the wire shapes of CONTRACT Parts A and B and small display helpers on them.
//! Must not know about ratatui, HTTP clients or servers. Enums that come from a server
//! carry an `Unknown` variant so a newer server never breaks an older console
//! (QUALITY R8: unknown enum values are shown as "unknown", not treated as errors).

pub mod access;
pub mod application;
pub mod audit;
pub mod blueprint;
pub mod error;
pub mod event;
pub mod identity;
pub mod jobs;
pub mod org;
pub mod page;
pub mod promotion;
pub mod provisioning;
pub mod triage;

pub use access::*;
pub use application::*;
pub use audit::*;
pub use blueprint::*;
pub use error::*;
pub use event::*;
pub use identity::*;
pub use jobs::*;
pub use org::*;
pub use page::*;
pub use promotion::*;
pub use provisioning::*;
pub use triage::*;

/// Times on the console API are RFC 3339 in UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// Declares a string enum of the wire with an `Unknown` fallback, `as_str`, `Display`
/// and `FromStr` (which never fails: unrecognised words become `Unknown`).
#[macro_export]
macro_rules! wire_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant,)+
            /// A value this console does not know (a newer server), or none at all; shown
            /// as "unknown".
            #[default]
            #[serde(other, rename = "unknown")]
            Unknown,
        }
        impl $name {
            /// Every known value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The wire spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ $name::Unknown => "unknown" }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s { $($wire => $name::$variant,)+ _ => $name::Unknown })
            }
        }
    };
}

/// A wire enum value with the text it came as: compares and derefs as the enum, and shows
/// a value this console does not know the way the server wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Seen<T> {
    pub value: T,
    raw: Option<Box<str>>,
}

impl<T: Copy + std::fmt::Display> std::fmt::Display for Seen<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.raw {
            Some(raw) => f.write_str(raw),
            None => self.value.fmt(f),
        }
    }
}

impl<T> std::ops::Deref for Seen<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> From<T> for Seen<T> {
    fn from(value: T) -> Self {
        Seen { value, raw: None }
    }
}

impl<T: PartialEq> PartialEq<T> for Seen<T> {
    fn eq(&self, other: &T) -> bool {
        self.value == *other
    }
}

impl<T: serde::Serialize> serde::Serialize for Seen<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.raw {
            Some(raw) => s.serialize_str(raw),
            None => self.value.serialize(s),
        }
    }
}

impl<'de, T> serde::Deserialize<'de> for Seen<T>
where
    T: std::str::FromStr + PartialEq + Default,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let value: T = raw.parse().unwrap_or_default();
        // Only an unknown value keeps its text (a known one is its enum).
        let known = value != T::default() || raw == "unknown";
        Ok(Seen {
            value,
            raw: (!known).then(|| raw.into_boxed_str()),
        })
    }
}

#[cfg(test)]
mod seen_tests {
    use super::{DeploymentState, DeploymentStatus};

    #[test]
    fn an_unknown_status_is_kept_as_it_came_and_a_known_one_is_its_enum() {
        let s: DeploymentState =
            serde_json::from_str(r#"{"id":"a","status":"rebuilding"}"#).unwrap();
        assert_eq!(*s.status, DeploymentStatus::Unknown);
        assert_eq!(s.status.to_string(), "rebuilding");
        assert!(
            serde_json::to_string(&s)
                .unwrap()
                .contains(r#""status":"rebuilding""#)
        );
        let s: DeploymentState = serde_json::from_str(r#"{"id":"a","status":"wiped"}"#).unwrap();
        assert_eq!(s.status, DeploymentStatus::Wiped);
        assert_eq!(s.status.to_string(), "wiped");
    }
}
