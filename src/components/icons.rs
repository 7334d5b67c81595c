//! Small inline SVG icons (no icon font, no requests).

use super::dom::{el, Node};

/// Which icon to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconName {
    /// A filled star (ratings).
    Star,
    /// A rosette (certificates).
    Certificate,
    /// A check in a badge (verified).
    Verified,
    /// A warning triangle (errors).
    Warning,
    /// A wrench (coming soon).
    /// Category: code brackets.
    Code,
    /// Category: a pen.
    Pen,
    /// Category: a shopping bag.
    Bag,
    /// Category: a document with a seal.
    Exam,
    /// Category: a hammer.
    Tool,
}

impl IconName {
    /// The SVG path data (24×24 viewBox).
    pub fn path(self) -> &'static str {
        match self {
            IconName::Star => "M12 2.5l2.9 6 6.6.9-4.8 4.6 1.2 6.5L12 17.4l-5.9 3.1 1.2-6.5-4.8-4.6 6.6-.9z",
            IconName::Certificate => "M12 2a6 6 0 1 1 0 12 6 6 0 0 1 0-12zm-4 12.9V22l4-2 4 2v-7.1a8 8 0 0 1-8 0z",
            IconName::Verified => "M12 2l2.4 2 3.1-.3.9 3 2.6 1.8-1 3 1 3-2.6 1.8-.9 3-3.1-.3L12 22l-2.4-2-3.1.3-.9-3L3 15.5l1-3-1-3 2.6-1.8.9-3 3.1.3zm-1.2 13.2l5.7-5.7-1.4-1.4-4.3 4.3-2-2-1.4 1.4z",
            IconName::Warning => "M12 3l10 18H2zm-1 6v6h2V9zm0 8v2h2v-2z",
            IconName::Code => "M8.6 6L3 12l5.6 6 1.5-1.4L5.8 12l4.3-4.6zm6.8 0l-1.5 1.4 4.3 4.6-4.3 4.6 1.5 1.4L21 12z",
            IconName::Pen => "M3 17.2V21h3.8l11-11-3.8-3.8zM20.7 7a1 1 0 0 0 0-1.4l-2.3-2.3a1 1 0 0 0-1.4 0l-1.8 1.8 3.8 3.8z",
            IconName::Bag => "M7 7V6a5 5 0 0 1 10 0v1h3l-1 15H5L4 7zm2 0h6V6a3 3 0 0 0-6 0z",
            IconName::Exam => "M6 2h9l5 5v15H6zm8 1.5V8h4.5zM8 12h8v2H8zm0 4h5v2H8z",
            IconName::Tool => "M13.8 2.2l8 8-2.8 2.8-2.2-2.2L6.3 21.3a1.9 1.9 0 0 1-2.7-2.7L14.1 8.2l-2.2-2.2z",
        }
    }
}

/// An icon as builder nodes, hidden from assistive technology (the text beside it carries the
/// meaning).
pub fn icon(name: IconName, size: u32) -> Node {
    el(
        "svg",
        "",
        vec![el("path", "", vec![]).attr("d", name.path())],
    )
    .attr("viewBox", "0 0 24 24")
    .attr("width", size.to_string())
    .attr("height", size.to_string())
    .attr("aria-hidden", "true")
    .attr("focusable", "false")
    .attr("fill", "currentColor")
}
