//! Small SVG charts built as plain nodes, each with a text alternative: a progress ring and a
//! bar chart (whose figures also come as a table, for screen readers and for reading values).

use crate::components::dom::{el, text, Node};

/// A ring showing `value` of `goal`, with its caption as text (the drawing is hidden from
/// assistive technology, the caption is not).
pub fn ring(value: f64, goal: f64, label: &str) -> Node {
    // Circumference of r = 15.9155 is 100, so the dash array is the percentage.
    let pct = if goal > 0.0 {
        (value / goal * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    };
    el(
        "div",
        "db-ring",
        vec![
            el(
                "svg",
                "",
                vec![
                    el("circle", "db-ring-bg", vec![])
                        .attr("cx", "18")
                        .attr("cy", "18")
                        .attr("r", "15.9155"),
                    // An empty arc would still show its round cap as a dot.
                    el(
                        "circle",
                        if pct < 0.5 {
                            "db-ring-none"
                        } else {
                            "db-ring-fg"
                        },
                        vec![],
                    )
                    .attr("cx", "18")
                    .attr("cy", "18")
                    .attr("r", "15.9155")
                    .attr("stroke-dasharray", format!("{} 100", super::int(pct))),
                ],
            )
            .attr("viewBox", "0 0 36 36")
            .attr("aria-hidden", "true"),
            el(
                "p",
                "db-ring-text",
                vec![text(format!("{}%", super::int(pct)))],
            )
            .attr("aria-hidden", "true"),
            el("p", "db-ring-cap", vec![text(label)]),
        ],
    )
}

/// A bar chart of `(label, value)` pairs; every `every`-th label (from the last) is printed
/// under its bar. Coordinates are whole numbers in a 1000 × 600 box.
pub fn bars(data: &[(String, f64)], label: &str, every: usize) -> Node {
    let max = data.iter().map(|d| d.1).fold(0.0, f64::max).max(1.0);
    let n = data.len().max(1) as i64;
    let w = 1000 / n;
    let children = data
        .iter()
        .enumerate()
        .map(|(i, (_, value))| {
            let h = if *value > 0.0 {
                ((value / max * 560.0) as i64).max(8)
            } else {
                0
            };
            el("rect", "db-bar", vec![])
                .attr("x", (i as i64 * w + w / 6).to_string())
                .attr("y", (600 - h).to_string())
                .attr("width", (w * 2 / 3).to_string())
                .attr("height", h.to_string())
        })
        .collect();
    let labels: Vec<Node> = data
        .iter()
        .enumerate()
        .filter(|(i, _)| every > 0 && (data.len() - 1 - i).is_multiple_of(every))
        .map(|(_, (name, _))| el("span", "", vec![text(name.clone())]))
        .collect();
    el(
        "figure",
        "db-chart",
        vec![
            el("svg", "", children)
                .attr("viewBox", "0 0 1000 600")
                .attr("preserveAspectRatio", "none")
                .attr("role", "img")
                .attr("aria-label", label),
            el("div", "db-axis", labels).attr("aria-hidden", "true"),
        ],
    )
}

/// The figures of a chart as a table inside a disclosure.
pub fn table(summary: &str, heads: (&str, &str), data: &[(String, f64)]) -> Node {
    el(
        "details",
        "db-table-wrap",
        vec![
            el("summary", "", vec![text(summary)]),
            el(
                "table",
                "db-table",
                vec![
                    el(
                        "thead",
                        "",
                        vec![el(
                            "tr",
                            "",
                            vec![
                                el("th", "", vec![text(heads.0)]).attr("scope", "col"),
                                el("th", "", vec![text(heads.1)]).attr("scope", "col"),
                            ],
                        )],
                    ),
                    el(
                        "tbody",
                        "",
                        data.iter()
                            .map(|(name, v)| {
                                el(
                                    "tr",
                                    "",
                                    vec![
                                        el("th", "", vec![text(name.clone())]).attr("scope", "row"),
                                        el("td", "", vec![text(super::fmt1(*v))]),
                                    ],
                                )
                            })
                            .collect(),
                    ),
                ],
            ),
        ],
    )
}
