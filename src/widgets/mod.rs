//! Render-only pieces shared by the views. They hold no domain state: everything they draw
//! is passed in.
//!
//! - [`chrome`]: the header (breadcrumb, badges, identity), the status bar and the key bar.
//! - [`load`]: the loading, empty and problem renderings every view uses.
//! - [`highlight`]: YAML highlighting into theme classes.
//! - [`table`]: a scrolling table of the visible rows.
//! - [`text`]: small text helpers (fitting, relative times).

pub mod chrome;
pub mod highlight;
pub mod load;
pub mod table;
pub mod text;
