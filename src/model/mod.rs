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
