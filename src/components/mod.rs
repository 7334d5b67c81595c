//! Generic UI pieces, with no domain logic: header, states (loading, error), icons.

pub mod dom;
mod header;
mod icons;
mod states;

pub use header::header;
pub use icons::{icon, IconName};
pub use states::{loaded_page, skeleton_list};
