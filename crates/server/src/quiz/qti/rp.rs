//! QTI values, variable declarations and response processing: standard templates and written-out
//! rules, parsed into a small rule tree (so unsupported parts are refused at import) and run with
//! QTI's NULL semantics.

use std::collections::BTreeMap;

use roxmltree::{Document, Node};
use serde_json::Value as Json;

use super::{all_text, attr, child, flag, float_attr, kids, name, tag};
use crate::quiz::format_number;

/// Namespaces of QTI 2.1, 2.2 and 3.0 items (items without a namespace are read too).
const NAMESPACES: [&str; 3] = [
    "http://www.imsglobal.org/xsd/imsqti_v2p1",
    "http://www.imsglobal.org/xsd/imsqti_v2p2",
    "http://www.imsglobal.org/xsd/imsqtiasi_v3p0",
];

/// Built-in item variables a rule may read.
const BUILTIN: [&str; 2] = ["numAttempts", "duration"];

// --- values ---------------------------------------------------------------------------------

/// A variable's cardinality (record cardinality is not supported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Card {
    Single,
    Multiple,
    Ordered,
}

/// One value of a base type (identifiers and strings alike are `Str`).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum B {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Pair(String, String),
    DPair(String, String),
    Point(f64, f64),
}

/// A variable's value. Containers are never empty: QTI treats an empty container as NULL.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum V {
    Null,
    One(B),
    Many(Card, Vec<B>),
}

impl V {
    /// A value of the cardinality from `items` (empty strings are NULL in QTI).
    pub(super) fn list(card: Card, items: Vec<B>) -> V {
        let mut items: Vec<B> = items
            .into_iter()
            .filter(|b| !matches!(b, B::Str(s) if s.is_empty()))
            .collect();
        match card {
            _ if items.is_empty() => V::Null,
            Card::Single => V::One(items.swap_remove(0)),
            card => V::Many(card, items),
        }
    }

    pub(super) fn items(&self) -> &[B] {
        match self {
            V::Null => &[],
            V::One(b) => std::slice::from_ref(b),
            V::Many(_, v) => v,
        }
    }
}

/// A base type's name; `uri` reads as a string and `duration` (seconds) as a float.
fn base_type(n: Node) -> Result<&'static str, String> {
    const TYPES: &str = "identifier string integer float boolean pair directedPair point";
    let t = match attr(n, "baseType").map(str::trim) {
        Some("uri") => "string",
        Some("duration") => "float",
        Some(t) => t,
        None => {
            let id = attr(n, "identifier").unwrap_or("");
            return Err(format!("{} {id} has no baseType", tag(n)));
        }
    };
    let known = TYPES.split(' ').find(|k| *k == t);
    known.ok_or_else(|| format!("base type {t} is not supported"))
}

/// Reads a value written as text (`"A B"` for pairs, `"x y"` for points).
pub(super) fn parse_b(bt: &str, s: &str) -> Result<B, String> {
    let s = s.trim();
    let bad = || format!("{s:?} is not a valid {bt} value");
    let num = |t: &str| t.parse::<f64>().ok().filter(|x| x.is_finite());
    let two = || {
        let mut it = s.split_whitespace();
        match (it.next(), it.next(), it.next()) {
            (Some(a), Some(b), None) => Ok((a.to_string(), b.to_string())),
            _ => Err(bad()),
        }
    };
    Ok(match bt {
        "integer" => B::Int(s.parse().map_err(|_| bad())?),
        "float" => B::Float(num(s).ok_or_else(bad)?),
        "boolean" => match s {
            "true" | "1" => B::Bool(true),
            "false" | "0" => B::Bool(false),
            _ => return Err(bad()),
        },
        "pair" => two().map(|(a, b)| B::Pair(a, b))?,
        "directedPair" => two().map(|(a, b)| B::DPair(a, b))?,
        "point" => {
            let (x, y) = two()?;
            B::Point(num(&x).ok_or_else(bad)?, num(&y).ok_or_else(bad)?)
        }
        _ => B::Str(s.to_string()),
    })
}

/// Equality of single values: pairs are unordered, numbers compare by value.
fn eq_b(x: &B, y: &B) -> bool {
    match (x, y) {
        (B::Pair(a, b), B::Pair(c, d)) => (a == c && b == d) || (a == d && b == c),
        (B::Int(_) | B::Float(_), B::Int(_) | B::Float(_)) => num_b(x) == num_b(y),
        _ => x == y,
    }
}

fn num_b(b: &B) -> Option<f64> {
    match b {
        B::Int(i) => Some(*i as f64),
        B::Float(x) => Some(*x),
        _ => None,
    }
}

pub(super) fn number_of(v: &V) -> Option<f64> {
    match v {
        V::One(b) => num_b(b).filter(|x| x.is_finite()),
        _ => None,
    }
}

/// QTI `match`: single values equal, multiple containers the same set, ordered ones the same
/// sequence.
fn same(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::One(x), V::One(y)) => eq_b(x, y),
        (V::Many(Card::Ordered, xs), V::Many(Card::Ordered, ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| eq_b(x, y))
        }
        (V::Many(_, xs), V::Many(_, ys)) => {
            xs.iter().all(|x| ys.iter().any(|y| eq_b(x, y)))
                && ys.iter().all(|y| xs.iter().any(|x| eq_b(x, y)))
        }
        _ => false,
    }
}

pub(super) fn show(b: &B) -> String {
    match b {
        B::Str(s) => s.clone(),
        B::Int(i) => i.to_string(),
        B::Float(x) => format_number(*x),
        B::Bool(x) => x.to_string(),
        B::Pair(x, y) | B::DPair(x, y) => format!("{x} {y}"),
        B::Point(x, y) => format!("{} {}", format_number(*x), format_number(*y)),
    }
}

pub(super) fn to_json(v: &V) -> Json {
    let one = |b: &B| match b {
        B::Str(s) => Json::from(s.as_str()),
        B::Int(i) => Json::from(*i),
        B::Float(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
        B::Bool(x) => Json::from(*x),
        other => Json::from(show(other)),
    };
    match v {
        V::Null => Json::Null,
        V::One(b) => one(b),
        V::Many(_, xs) => Json::Array(xs.iter().map(one).collect()),
    }
}

/// A response value from the CLI's JSON, checked against its declaration.
pub(super) fn from_json(d: &Decl, v: &Json) -> Result<V, String> {
    let scalar = |v: &Json| match (d.bt, v) {
        ("integer", Json::Number(n)) => n
            .as_i64()
            .map(B::Int)
            .ok_or_else(|| format!("{n} is not an integer")),
        ("float", Json::Number(n)) => n
            .as_f64()
            .map(B::Float)
            .ok_or_else(|| format!("{n} is not a float")),
        ("boolean", Json::Bool(b)) => Ok(B::Bool(*b)),
        (bt, Json::String(s)) => parse_b(bt, s),
        (bt, v) => Err(format!("{v} is not a valid {bt} value")),
    };
    match (d.card, v) {
        (_, Json::Null) => Ok(V::Null),
        (Card::Single, Json::Array(_)) => {
            Err("one value expected (cardinality single), not an array".into())
        }
        (Card::Single, v) => Ok(V::list(Card::Single, vec![scalar(v)?])),
        (card, Json::Array(xs)) => Ok(V::list(
            card,
            xs.iter().map(scalar).collect::<Result<_, _>>()?,
        )),
        _ => Err("an array expected (cardinality multiple or ordered)".into()),
    }
}

// --- declarations ---------------------------------------------------------------------------

/// Lower and upper bounds and default of a mapping.
#[derive(Clone, Debug)]
struct Bounds {
    default: f64,
    lower: Option<f64>,
    upper: Option<f64>,
}

impl Bounds {
    fn read(n: Node) -> Result<Bounds, String> {
        Ok(Bounds {
            default: float_attr(n, "defaultValue")?.unwrap_or(0.0),
            lower: float_attr(n, "lowerBound")?,
            upper: float_attr(n, "upperBound")?,
        })
    }

    fn clamp(&self, x: f64) -> f64 {
        let x = self.lower.map_or(x, |l| x.max(l));
        self.upper.map_or(x, |u| x.min(u))
    }
}

/// What a mapping entry matches: a value (case-sensitively or not), or an area for points.
#[derive(Debug)]
pub(super) enum Entry {
    Value(B, bool),
    Area(Shape),
}

/// A `mapping` or `areaMapping`.
#[derive(Debug)]
pub(super) struct Mapping {
    bounds: Bounds,
    pub(super) entries: Vec<(Entry, f64)>,
}

impl Mapping {
    /// `mapResponse` / `mapResponsePoint`: each distinct value scores the first entry it
    /// matches, each entry counted once, or the default when it matches none; the sum is
    /// clamped to the bounds. NULL sums to 0.
    fn apply(&self, v: &V) -> f64 {
        let mut seen: Vec<&B> = Vec::new();
        let mut used = vec![false; self.entries.len()];
        let mut sum = 0.0;
        for b in v.items() {
            if seen.iter().any(|s| eq_b(s, b)) {
                continue;
            }
            seen.push(b);
            let hit = self.entries.iter().position(|(k, _)| match (k, b) {
                (Entry::Value(B::Str(k), false), B::Str(b)) => k.to_lowercase() == b.to_lowercase(),
                (Entry::Value(k, _), b) => eq_b(k, b),
                (Entry::Area(s), B::Point(x, y)) => s.contains((*x, *y)),
                (Entry::Area(_), _) => false,
            });
            match hit {
                Some(i) if !used[i] => {
                    used[i] = true;
                    sum += self.entries[i].1;
                }
                Some(_) => {}
                None => sum += self.bounds.default,
            }
        }
        self.bounds.clamp(sum)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Shape {
    Default,
    Rect(f64, f64, f64, f64),
    Circle(f64, f64, f64),
    Ellipse(f64, f64, f64, f64),
    Poly(Vec<(f64, f64)>),
}

impl Shape {
    fn read(kind: &str, coords: &str) -> Result<Shape, String> {
        if kind == "default" {
            return Ok(Shape::Default);
        }
        let c: Vec<f64> = coords
            .split(',')
            .map(|t| t.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect::<Option<_>>()
            .ok_or_else(|| format!("coords {coords:?} are not numbers"))?;
        Ok(match (kind, c.as_slice()) {
            ("rect", &[l, t, r, b]) => Shape::Rect(l.min(r), t.min(b), l.max(r), t.max(b)),
            ("circle", &[x, y, r]) => Shape::Circle(x, y, r),
            ("ellipse", &[x, y, h, v]) => Shape::Ellipse(x, y, h, v),
            ("poly", p) if p.len() >= 6 && p.len() % 2 == 0 => {
                Shape::Poly(p.chunks(2).map(|w| (w[0], w[1])).collect())
            }
            _ => {
                return Err(format!(
                    "shape {kind} with coords {coords:?} is not supported"
                ))
            }
        })
    }

    /// Whether the point is inside (edges included; polygons by ray casting).
    fn contains(&self, (x, y): (f64, f64)) -> bool {
        match self {
            Shape::Default => true,
            Shape::Rect(l, t, r, b) => (*l..=*r).contains(&x) && (*t..=*b).contains(&y),
            Shape::Circle(cx, cy, r) => (x - cx).powi(2) + (y - cy).powi(2) <= r * r,
            Shape::Ellipse(cx, cy, h, v) => {
                *h > 0.0 && *v > 0.0 && ((x - cx) / h).powi(2) + ((y - cy) / v).powi(2) <= 1.0
            }
            Shape::Poly(p) => {
                let mut inside = false;
                for (i, &(xi, yi)) in p.iter().enumerate() {
                    let (xj, yj) = p[(i + p.len() - 1) % p.len()];
                    if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                        inside = !inside;
                    }
                }
                inside
            }
        }
    }
}

/// A response or outcome declaration.
#[derive(Debug)]
pub(super) struct Decl {
    pub(super) card: Card,
    pub(super) bt: &'static str,
    pub(super) correct: V,
    pub(super) default: V,
    pub(super) mapping: Option<Mapping>,
    pub(super) area: Option<Mapping>,
    pub(super) normal_max: Option<f64>,
}

fn read_decl(n: Node, v3: bool) -> Result<(String, Decl), String> {
    let id = attr(n, "identifier")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let id = id
        .ok_or_else(|| format!("{} without identifier", tag(n)))?
        .to_string();
    let card = match attr(n, "cardinality").map(str::trim) {
        Some("single") => Card::Single,
        Some("multiple") => Card::Multiple,
        Some("ordered") => Card::Ordered,
        Some(c) => return Err(format!("{id}: {c} cardinality is not supported")),
        None => return Err(format!("{id} has no cardinality")),
    };
    let bt = base_type(n)?;
    let in_decl = |e: String| format!("{id}: {e}");
    let values = |want: &str| -> Result<V, String> {
        let Some(c) = child(n, want) else {
            return Ok(V::Null);
        };
        let items = kids(c)
            .filter(|v| name(*v) == "value")
            .map(|v| parse_b(bt, &all_text(v)));
        Ok(V::list(card, items.collect::<Result<_, _>>()?))
    };
    let mapping = |m: Node| -> Result<Mapping, String> {
        let entries = kids(m).filter(|e| matches!(name(*e).as_str(), "mapEntry" | "areaMapEntry"));
        let entries = entries.map(|e| -> Result<_, String> {
            let key = match attr(e, "mapKey") {
                // Only strings have case; the attribute's default differs: true in 2.x, false in 3.0.
                Some(k) => Entry::Value(
                    parse_b(bt, k)?,
                    bt != "string" || flag(e, "caseSensitive", !v3),
                ),
                None => Entry::Area(Shape::read(
                    attr(e, "shape").unwrap_or(""),
                    attr(e, "coords").unwrap_or(""),
                )?),
            };
            Ok((
                key,
                float_attr(e, "mappedValue")?.ok_or("a map entry without mappedValue")?,
            ))
        });
        Ok(Mapping {
            bounds: Bounds::read(m)?,
            entries: entries.collect::<Result<_, _>>()?,
        })
    };
    let decl = Decl {
        card,
        bt,
        correct: values("correctResponse").map_err(in_decl)?,
        default: values("defaultValue").map_err(in_decl)?,
        mapping: child(n, "mapping")
            .map(mapping)
            .transpose()
            .map_err(in_decl)?,
        area: child(n, "areaMapping")
            .map(mapping)
            .transpose()
            .map_err(in_decl)?,
        normal_max: float_attr(n, "normalMaximum")?,
    };
    Ok((id, decl))
}

/// The item's variables.
pub(super) struct Decls {
    pub(super) responses: BTreeMap<String, Decl>,
    pub(super) outcomes: BTreeMap<String, Decl>,
}

/// An item as far as scoring needs it.
pub(super) struct Item<'a, 'i> {
    pub(super) root: Node<'a, 'i>,
    pub(super) d: Decls,
    /// `None` when the item has no response processing.
    rules: Option<Vec<Rule>>,
}

impl Item<'_, '_> {
    /// Whether the item has response processing (a template or rules).
    pub(super) fn processes(&self) -> bool {
        self.rules.is_some()
    }
}

/// Reads an item's declarations and response processing (refusing what cannot run).
pub(super) fn read_item<'a, 'i>(doc: &'a Document<'i>) -> Result<Item<'a, 'i>, String> {
    let root = doc.root_element();
    if name(root) != "assessmentItem" {
        return Err(format!("not a QTI item: the root element is {}", tag(root)));
    }
    if let Some(ns) = root
        .tag_name()
        .namespace()
        .filter(|ns| !NAMESPACES.contains(ns))
    {
        return Err(format!(
            "unsupported namespace {ns} (QTI 2.1, 2.2 or 3.0 expected)"
        ));
    }
    let v3 = tag(root).starts_with("qti-");
    let mut d = Decls {
        responses: BTreeMap::new(),
        outcomes: BTreeMap::new(),
    };
    for k in kids(root) {
        let list = match name(k).as_str() {
            "responseDeclaration" => &mut d.responses,
            "outcomeDeclaration" => &mut d.outcomes,
            "templateDeclaration" | "templateProcessing" => {
                return Err("template (cloned) items are not supported".into())
            }
            _ => continue,
        };
        let (id, decl) = read_decl(k, v3)?;
        if list.insert(id.clone(), decl).is_some() {
            return Err(format!("{id} is declared twice"));
        }
    }
    if let Some(id) = d.responses.keys().find(|k| d.outcomes.contains_key(*k)) {
        return Err(format!(
            "{id} is declared as both a response and an outcome"
        ));
    }
    let rules = match child(root, "responseProcessing") {
        Some(rp) if kids(rp).next().is_some() => Some(parse_rules(kids(rp), &d)?),
        Some(rp) => attr(rp, "template")
            .map(|uri| template(uri.trim(), &d))
            .transpose()?,
        None => None,
    };
    Ok(Item { root, d, rules })
}

// --- response processing: parsing -------------------------------------------------------------

#[derive(Debug)]
enum Rule {
    /// `responseCondition`: the first branch whose condition is true runs, else the last list.
    If(Vec<(Expr, Vec<Rule>)>, Vec<Rule>),
    Set(String, Expr),
    Exit,
}

#[derive(Debug)]
enum Expr {
    Lit(V),
    Var(String),
    Correct(String),
    Default(String),
    Map(String),
    MapPoint(String),
    Op(Op, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum TolMode {
    Exact,
    Absolute,
    Relative,
}

/// `equal`'s tolerance: y must lie within [x − t0, x + t1] (absolute) or
/// [x·(1 − t0/100), x·(1 + t1/100)] (relative).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Tol {
    mode: TolMode,
    t0: f64,
    t1: f64,
    lower: bool,
    upper: bool,
}

impl Tol {
    fn read(n: Node) -> Result<Tol, String> {
        let mode = match attr(n, "toleranceMode").map(str::trim).unwrap_or("exact") {
            "exact" => TolMode::Exact,
            "absolute" => TolMode::Absolute,
            "relative" => TolMode::Relative,
            m => return Err(format!("unknown toleranceMode {m}")),
        };
        let t: Option<Vec<f64>> = attr(n, "tolerance")
            .unwrap_or("")
            .split_whitespace()
            .map(|s| s.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0))
            .collect();
        let t = t.unwrap_or_default();
        if mode != TolMode::Exact && !(1..=2).contains(&t.len()) {
            return Err(format!(
                "{} needs a tolerance of one or two numbers",
                tag(n)
            ));
        }
        let t0 = t.first().copied().unwrap_or(0.0);
        Ok(Tol {
            mode,
            t0,
            t1: t.get(1).copied().unwrap_or(t0),
            lower: flag(n, "includeLowerBound", true),
            upper: flag(n, "includeUpperBound", true),
        })
    }

    fn equal(&self, x: f64, y: f64) -> bool {
        let (a, b) = match self.mode {
            TolMode::Exact => return x == y,
            TolMode::Absolute => (x - self.t0, x + self.t1),
            TolMode::Relative => (x * (1.0 - self.t0 / 100.0), x * (1.0 + self.t1 / 100.0)),
        };
        let (lo, hi) = (a.min(b), a.max(b));
        (if self.lower { y >= lo } else { y > lo }) && (if self.upper { y <= hi } else { y < hi })
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    IsNull,
    Match,
    And,
    Or,
    Not,
    Sum,
    Product,
    Subtract,
    Divide,
    Min,
    Max,
    Equal(Tol),
    Lt,
    Lte,
    Gt,
    Gte,
    /// Case-sensitive, substring.
    StringMatch(bool, bool),
    Member,
    Contains,
    Multiple,
    Ordered,
    Size,
}

impl Op {
    /// Fewest and most operands.
    fn arity(self) -> (usize, usize) {
        match self {
            Op::IsNull | Op::Not | Op::Size => (1, 1),
            Op::And | Op::Or | Op::Sum | Op::Product | Op::Min | Op::Max => (1, usize::MAX),
            Op::Multiple | Op::Ordered => (0, usize::MAX),
            _ => (2, 2),
        }
    }
}

fn parse_rules<'a, 'i: 'a>(
    nodes: impl Iterator<Item = Node<'a, 'i>>,
    d: &Decls,
) -> Result<Vec<Rule>, String> {
    let mut out = Vec::new();
    for k in nodes {
        match name(k).as_str() {
            "responseCondition" => {
                let (mut branches, mut otherwise) = (Vec::new(), Vec::new());
                for b in kids(k) {
                    match name(b).as_str() {
                        "responseIf" | "responseElseIf" => {
                            let mut it = kids(b);
                            let cond = it
                                .next()
                                .ok_or_else(|| format!("{} without a condition", tag(b)))?;
                            branches.push((parse_expr(cond, d)?, parse_rules(it, d)?));
                        }
                        "responseElse" => otherwise = parse_rules(kids(b), d)?,
                        _ => return Err(format!("unexpected {} in {}", tag(b), tag(k))),
                    }
                }
                out.push(Rule::If(branches, otherwise));
            }
            "setOutcomeValue" => {
                let id = attr(k, "identifier").unwrap_or("").to_string();
                if !d.outcomes.contains_key(&id) {
                    return Err(format!("{} of undeclared outcome {id:?}", tag(k)));
                }
                let e = kids(k)
                    .next()
                    .ok_or_else(|| format!("{} {id} without a value", tag(k)))?;
                out.push(Rule::Set(id, parse_expr(e, d)?));
            }
            "exitResponse" => out.push(Rule::Exit),
            "responseProcessingFragment" => out.extend(parse_rules(kids(k), d)?),
            _ => return Err(format!("unsupported response rule {}", tag(k))),
        }
    }
    Ok(out)
}

fn parse_expr(n: Node, d: &Decls) -> Result<Expr, String> {
    let id = attr(n, "identifier").unwrap_or("").to_string();
    let response = || match d.responses.get(&id) {
        Some(r) => Ok(r),
        None => Err(format!("{} names undeclared response {id:?}", tag(n))),
    };
    let op = match name(n).as_str() {
        "baseValue" => {
            return Ok(Expr::Lit(V::list(
                Card::Single,
                vec![parse_b(base_type(n)?, &all_text(n))?],
            )))
        }
        "null" => return Ok(Expr::Lit(V::Null)),
        "variable" | "default" => {
            let known = d.responses.contains_key(&id) || d.outcomes.contains_key(&id);
            if !known && !BUILTIN.contains(&id.as_str()) {
                return Err(format!("{} names undeclared variable {id:?}", tag(n)));
            }
            return Ok(if name(n) == "variable" {
                Expr::Var(id)
            } else {
                Expr::Default(id)
            });
        }
        "correct" => {
            response()?;
            return Ok(Expr::Correct(id));
        }
        "mapResponse" if response()?.mapping.is_some() => return Ok(Expr::Map(id)),
        "mapResponsePoint" if response()?.area.is_some() => return Ok(Expr::MapPoint(id)),
        "mapResponse" | "mapResponsePoint" => {
            return Err(format!("{} of {id}, which has no mapping", tag(n)))
        }
        "isNull" => Op::IsNull,
        "match" => Op::Match,
        "and" => Op::And,
        "or" => Op::Or,
        "not" => Op::Not,
        "sum" => Op::Sum,
        "product" => Op::Product,
        "subtract" => Op::Subtract,
        "divide" => Op::Divide,
        "min" => Op::Min,
        "max" => Op::Max,
        "equal" => Op::Equal(Tol::read(n)?),
        "lt" => Op::Lt,
        "lte" => Op::Lte,
        "gt" => Op::Gt,
        "gte" => Op::Gte,
        "stringMatch" => {
            Op::StringMatch(flag(n, "caseSensitive", true), flag(n, "substring", false))
        }
        "member" => Op::Member,
        "contains" => Op::Contains,
        "multiple" => Op::Multiple,
        "ordered" => Op::Ordered,
        "containerSize" => Op::Size,
        _ => return Err(format!("unsupported expression {}", tag(n))),
    };
    let args = kids(n)
        .map(|k| parse_expr(k, d))
        .collect::<Result<Vec<_>, _>>()?;
    let (lo, hi) = op.arity();
    if args.len() < lo || args.len() > hi {
        return Err(format!("{} has {} operands", tag(n), args.len()));
    }
    Ok(Expr::Op(op, args))
}

/// A standard template, by the last segment of its URI, as the rules it stands for.
fn template(uri: &str, d: &Decls) -> Result<Vec<Rule>, String> {
    let last = uri.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let last = last.strip_suffix(".xml").unwrap_or(last);
    if !["match_correct", "map_response", "map_response_point"].contains(&last) {
        return Err(format!("unknown response processing template {uri}"));
    }
    let Some(resp) = d
        .responses
        .get("RESPONSE")
        .filter(|_| d.outcomes.contains_key("SCORE"))
    else {
        return Err(format!(
            "template {last} needs a RESPONSE response and a SCORE outcome"
        ));
    };
    let r = || "RESPONSE".to_string();
    let set = |e: Expr| Rule::Set("SCORE".into(), e);
    let lit = |x: f64| Expr::Lit(V::One(B::Float(x)));
    let guarded = |e: Expr| {
        let null = Expr::Op(Op::IsNull, vec![Expr::Var(r())]);
        vec![Rule::If(vec![(null, vec![set(lit(0.0))])], vec![set(e)])]
    };
    match last {
        "match_correct" if resp.correct != V::Null => {
            let cond = Expr::Op(Op::Match, vec![Expr::Var(r()), Expr::Correct(r())]);
            Ok(vec![Rule::If(
                vec![(cond, vec![set(lit(1.0))])],
                vec![set(lit(0.0))],
            )])
        }
        "map_response" if resp.mapping.is_some() => Ok(guarded(Expr::Map(r()))),
        "map_response_point" if resp.area.is_some() => Ok(guarded(Expr::MapPoint(r()))),
        "match_correct" => {
            Err("template match_correct needs a correctResponse for RESPONSE".into())
        }
        _ => Err(format!("template {last} needs a mapping for RESPONSE")),
    }
}

// --- response processing: running ------------------------------------------------------------

/// One run of response processing.
struct Run<'x> {
    d: &'x Decls,
    responses: &'x BTreeMap<String, V>,
    outcomes: BTreeMap<String, V>,
}

/// Runs the item's response processing; responses not given are NULL.
pub(super) fn run(
    item: &Item,
    responses: &BTreeMap<String, V>,
) -> Result<BTreeMap<String, V>, String> {
    let rules = item
        .rules
        .as_deref()
        .ok_or("the item has no response processing")?;
    let outcomes = item
        .d
        .outcomes
        .iter()
        .map(|(id, o)| (id.clone(), initial(o)))
        .collect();
    let mut r = Run {
        d: &item.d,
        responses,
        outcomes,
    };
    r.exec(rules)?;
    Ok(r.outcomes)
}

/// An outcome's value before processing: its default, else 0 for single numbers, else NULL.
fn initial(o: &Decl) -> V {
    match (&o.default, o.card, o.bt) {
        (V::Null, Card::Single, "integer") => V::One(B::Int(0)),
        (V::Null, Card::Single, "float") => V::One(B::Float(0.0)),
        (v, ..) => v.clone(),
    }
}

impl Run<'_> {
    /// Runs rules; true when `exitResponse` ended processing.
    fn exec(&mut self, rules: &[Rule]) -> Result<bool, String> {
        for rule in rules {
            match rule {
                Rule::Set(id, e) => {
                    let v = match (self.eval(e)?, self.d.outcomes.get(id).map(|o| o.bt)) {
                        (V::One(B::Int(i)), Some("float")) => V::One(B::Float(i as f64)),
                        (v, _) => v,
                    };
                    self.outcomes.insert(id.clone(), v);
                }
                Rule::Exit => return Ok(true),
                Rule::If(branches, otherwise) => {
                    let mut chosen: &[Rule] = otherwise;
                    for (cond, body) in branches {
                        // A NULL condition counts as false.
                        let v = self.eval(cond)?;
                        if v != V::Null && truth(&v)? {
                            chosen = body;
                            break;
                        }
                    }
                    if self.exec(chosen)? {
                        return Ok(true);
                    }
                }
            }
        }
        Ok(false)
    }

    fn var(&self, id: &str) -> V {
        match self.responses.get(id).or_else(|| self.outcomes.get(id)) {
            Some(v) => v.clone(),
            None if id == "numAttempts" => V::One(B::Int(1)),
            None if id == "duration" => V::One(B::Float(0.0)),
            None => V::Null,
        }
    }

    fn eval(&self, e: &Expr) -> Result<V, String> {
        let decl = |id: &str| {
            self.d
                .responses
                .get(id)
                .ok_or_else(|| format!("no response {id}"))
        };
        Ok(match e {
            Expr::Lit(v) => v.clone(),
            Expr::Var(id) => self.var(id),
            Expr::Correct(id) => decl(id)?.correct.clone(),
            Expr::Default(id) => self
                .d
                .responses
                .get(id)
                .or_else(|| self.d.outcomes.get(id))
                .map_or(V::Null, |d| d.default.clone()),
            Expr::Map(id) => {
                let m = decl(id)?
                    .mapping
                    .as_ref()
                    .ok_or_else(|| format!("{id} has no mapping"))?;
                V::One(B::Float(m.apply(&self.var(id))))
            }
            Expr::MapPoint(id) => {
                let m = decl(id)?
                    .area
                    .as_ref()
                    .ok_or_else(|| format!("{id} has no areaMapping"))?;
                V::One(B::Float(m.apply(&self.var(id))))
            }
            Expr::Op(op, args) => {
                let vals = args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>, _>>()?;
                apply(*op, &vals)?
            }
        })
    }
}

fn truth(v: &V) -> Result<bool, String> {
    match v {
        V::One(B::Bool(b)) => Ok(*b),
        _ => Err(format!("a boolean was expected, not {v:?}")),
    }
}

fn num(v: &V) -> Result<f64, String> {
    number_of(v).ok_or_else(|| format!("a number was expected, not {v:?}"))
}

fn string(v: &V) -> Result<&str, String> {
    match v {
        V::One(B::Str(s)) => Ok(s),
        _ => Err(format!("a string was expected, not {v:?}")),
    }
}

/// A number result: integer when the operands were, NULL when not finite (e.g. division by 0).
fn number(x: f64, int: bool) -> V {
    match x {
        x if !x.is_finite() => V::Null,
        x if int && x.abs() < 9e15 => V::One(B::Int(x as i64)),
        x => V::One(B::Float(x)),
    }
}

/// `and`, `or`: NULL operands make the result NULL only when they could change it.
fn logic(op: Op, a: &[V]) -> Result<V, String> {
    let (mut t, mut f, mut null) = (0, 0, 0);
    for v in a {
        match v {
            V::Null => null += 1,
            v if truth(v)? => t += 1,
            _ => f += 1,
        }
    }
    let r = match op {
        Op::And if f > 0 => Some(false),
        Op::Or if t > 0 => Some(true),
        Op::And | Op::Or if null > 0 => None,
        Op::And => Some(true),
        _ => Some(false),
    };
    Ok(r.map_or(V::Null, |b| V::One(B::Bool(b))))
}

/// Whether container `c` holds `d` (a contiguous run of it, when ordered).
fn contains(c: &V, d: &V) -> bool {
    let (xs, ys) = (c.items(), d.items());
    if matches!(c, V::Many(Card::Ordered, _)) {
        return ys.is_empty()
            || xs
                .windows(ys.len())
                .any(|w| w.iter().zip(ys).all(|(a, b)| eq_b(a, b)));
    }
    let mut used = vec![false; xs.len()];
    ys.iter().all(
        |y| match (0..xs.len()).find(|&i| !used[i] && eq_b(&xs[i], y)) {
            Some(i) => {
                used[i] = true;
                true
            }
            None => false,
        },
    )
}

fn apply(op: Op, a: &[V]) -> Result<V, String> {
    let yes = |b: bool| V::One(B::Bool(b));
    match op {
        Op::IsNull => return Ok(yes(a.iter().all(|v| *v == V::Null))),
        Op::Multiple | Op::Ordered => {
            let card = if op == Op::Ordered {
                Card::Ordered
            } else {
                Card::Multiple
            };
            return Ok(V::list(
                card,
                a.iter().flat_map(|v| v.items().iter().cloned()).collect(),
            ));
        }
        Op::Size => {
            return Ok(V::One(B::Int(
                a.iter().map(|v| v.items().len() as i64).sum(),
            )))
        }
        Op::And | Op::Or => return logic(op, a),
        _ if a.contains(&V::Null) => return Ok(V::Null),
        _ => {}
    }
    let ints = a.iter().all(|v| matches!(v, V::One(B::Int(_))));
    Ok(match (op, a) {
        (Op::Not, [x]) => yes(!truth(x)?),
        (Op::Match, [x, y]) => yes(same(x, y)),
        (Op::Sum | Op::Product | Op::Min | Op::Max, _) => {
            let xs = a.iter().map(num).collect::<Result<Vec<_>, _>>()?;
            let r = match op {
                Op::Sum => xs.iter().sum(),
                Op::Product => xs.iter().product(),
                Op::Min => xs.iter().copied().fold(f64::INFINITY, f64::min),
                _ => xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            };
            number(r, ints)
        }
        (Op::Subtract, [x, y]) => number(num(x)? - num(y)?, ints),
        (Op::Divide, [x, y]) => number(num(x)? / num(y)?, false),
        (Op::Lt | Op::Lte | Op::Gt | Op::Gte, [x, y]) => {
            let (x, y) = (num(x)?, num(y)?);
            yes(match op {
                Op::Lt => x < y,
                Op::Lte => x <= y,
                Op::Gt => x > y,
                _ => x >= y,
            })
        }
        (Op::Equal(t), [x, y]) => yes(t.equal(num(x)?, num(y)?)),
        (Op::StringMatch(cs, sub), [x, y]) => {
            let (x, y) = (string(x)?, string(y)?);
            let (x, y) = if cs {
                (x.to_string(), y.to_string())
            } else {
                (x.to_lowercase(), y.to_lowercase())
            };
            yes(if sub { x.contains(&y) } else { x == y })
        }
        (Op::Member, [V::One(x), c]) => yes(c.items().iter().any(|b| eq_b(b, x))),
        (Op::Contains, [c, d]) => yes(contains(c, d)),
        _ => return Err(format!("{op:?} cannot take {a:?}")),
    })
}

#[cfg(test)]
mod tests {
    use super::super::score_response;
    use super::*;
    use serde_json::json;

    /// Evaluates one expression that reads no variables.
    fn eval(expr: &str) -> Result<V, String> {
        let doc = Document::parse(expr).map_err(|e| e.to_string())?;
        let d = Decls {
            responses: BTreeMap::new(),
            outcomes: BTreeMap::new(),
        };
        let e = parse_expr(doc.root_element(), &d)?;
        let none = BTreeMap::new();
        Run {
            d: &d,
            responses: &none,
            outcomes: BTreeMap::new(),
        }
        .eval(&e)
    }

    fn bv(t: &str, v: &str) -> String {
        format!(r#"<baseValue baseType="{t}">{v}</baseValue>"#)
    }

    /// SCORE of a 2.1 item with a float response `R` and the given processing.
    fn score(decl: &str, rp: &str, response: Json) -> Result<f64, String> {
        let xml = format!(
            r#"<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="t">
            {decl}<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
            <responseProcessing>{rp}</responseProcessing></assessmentItem>"#
        );
        Ok(score_response(&xml, &response)?["SCORE"]
            .as_f64()
            .unwrap_or(f64::NAN))
    }

    fn set(expr: &str) -> String {
        format!(r#"<setOutcomeValue identifier="SCORE">{expr}</setOutcomeValue>"#)
    }

    const FLOAT: &str =
        r#"<responseDeclaration identifier="R" cardinality="single" baseType="float"/>"#;

    #[test]
    fn operators_follow_qti_semantics() {
        let yes = |b| V::One(B::Bool(b));
        let (t, f, n) = (bv("boolean", "true"), bv("boolean", "false"), "<null/>");
        let (i2, i3, half) = (bv("integer", "2"), bv("integer", "3"), bv("float", "0.5"));
        let (a, c, hi, lo) = (
            bv("identifier", "A"),
            bv("identifier", "C"),
            bv("string", "Hello"),
            bv("string", "hello"),
        );
        let m = format!("<multiple>{a}{c}</multiple>");
        let cases = [
            (format!("<and>{t}{t}</and>"), yes(true)),
            (format!("<and>{t}{n}</and>"), V::Null),
            (format!("<and>{f}{n}</and>"), yes(false)),
            (format!("<or>{n}{t}</or>"), yes(true)),
            (format!("<or>{n}{f}</or>"), V::Null),
            (format!("<not>{n}</not>"), V::Null),
            (format!("<not>{f}</not>"), yes(true)),
            (format!("<isNull>{n}</isNull>"), yes(true)),
            ("<isNull><multiple/></isNull>".to_string(), yes(true)),
            (format!("<match>{a}{n}</match>"), V::Null),
            (format!("<sum>{i2}{i3}</sum>"), V::One(B::Int(5))),
            (format!("<sum>{i2}{half}</sum>"), V::One(B::Float(2.5))),
            (format!("<sum>{i2}{n}</sum>"), V::Null),
            (
                format!("<product>{i3}{half}</product>"),
                V::One(B::Float(1.5)),
            ),
            (format!("<subtract>{i2}{i3}</subtract>"), V::One(B::Int(-1))),
            (format!("<divide>{i3}{i2}</divide>"), V::One(B::Float(1.5))),
            (
                format!("<divide>{i2}{}</divide>", bv("integer", "0")),
                V::Null,
            ),
            (format!("<max>{i2}{i3}{half}</max>"), V::One(B::Float(3.0))),
            (format!("<min>{i2}{i3}</min>"), V::One(B::Int(2))),
            (format!("<gte>{i2}{i2}</gte>"), yes(true)),
            (format!("<gt>{i2}{i2}</gt>"), yes(false)),
            (format!("<lt>{half}{i2}</lt>"), yes(true)),
            (format!("<lte>{i3}{i2}</lte>"), yes(false)),
            (
                format!(r#"<stringMatch caseSensitive="true">{hi}{lo}</stringMatch>"#),
                yes(false),
            ),
            (
                format!(r#"<stringMatch caseSensitive="false">{hi}{lo}</stringMatch>"#),
                yes(true),
            ),
            (
                format!(
                    r#"<stringMatch caseSensitive="false" substring="true">{hi}{}</stringMatch>"#,
                    bv("string", "LL")
                ),
                yes(true),
            ),
            (
                format!("<containerSize>{m}</containerSize>"),
                V::One(B::Int(2)),
            ),
            (
                format!("<containerSize>{n}</containerSize>"),
                V::One(B::Int(0)),
            ),
            (format!("<member>{c}{m}</member>"), yes(true)),
            (
                format!("<contains>{m}<multiple>{c}</multiple></contains>"),
                yes(true),
            ),
            (
                format!("<contains><ordered>{a}{c}</ordered><ordered>{c}{a}</ordered></contains>"),
                yes(false),
            ),
            (
                format!(
                    "<contains><ordered>{a}{c}{a}</ordered><ordered>{c}{a}</ordered></contains>"
                ),
                yes(true),
            ),
            (
                format!("<match>{m}<multiple>{c}{a}{c}</multiple></match>"),
                yes(true),
            ),
            (
                format!("<match><ordered>{a}{c}</ordered><ordered>{c}{a}</ordered></match>"),
                yes(false),
            ),
            (
                format!("<match>{}{}</match>", bv("pair", "A B"), bv("pair", "B A")),
                yes(true),
            ),
            (
                format!(
                    "<match>{}{}</match>",
                    bv("directedPair", "A B"),
                    bv("directedPair", "B A")
                ),
                yes(false),
            ),
            (format!("<match>{hi}{lo}</match>"), yes(false)),
            (
                format!("<match>{}{}</match>", bv("float", "2"), i2),
                yes(true),
            ),
        ];
        for (x, want) in cases {
            assert_eq!(eval(&x), Ok(want), "{x}");
        }
    }

    #[test]
    fn equal_honours_tolerance_modes_and_bounds() {
        let abs = r#"toleranceMode="absolute" tolerance="0.5""#;
        let cases = [
            ("", 10.0, true),
            ("", 10.001, false),
            (abs, 10.5, true),
            (abs, 9.4, false),
            (r#"toleranceMode="absolute" tolerance="0 1""#, 9.9, false),
            (r#"toleranceMode="absolute" tolerance="0 1""#, 11.0, true),
            (
                r#"toleranceMode="absolute" tolerance="0.5" includeUpperBound="false""#,
                10.5,
                false,
            ),
            (r#"toleranceMode="relative" tolerance="10""#, 10.9, true),
            (r#"toleranceMode="relative" tolerance="10""#, 8.9, false),
        ];
        for (attrs, y, want) in cases {
            let x = format!(
                r#"<equal {attrs}>{}{}</equal>"#,
                bv("float", "10"),
                bv("float", &y.to_string())
            );
            assert_eq!(eval(&x), Ok(V::One(B::Bool(want))), "{x}");
        }
        // In a condition, NULL counts as false.
        let cond = format!(
            r#"<responseCondition><responseIf><equal>{}<variable identifier="R"/></equal>{}</responseIf></responseCondition>"#,
            bv("float", "10"),
            set(&bv("float", "1"))
        );
        assert_eq!(score(FLOAT, &cond, json!({ "R": 10 })), Ok(1.0));
        assert_eq!(score(FLOAT, &cond, json!({})), Ok(0.0));
        assert!(
            eval(r#"<equal toleranceMode="absolute"><null/><null/></equal>"#)
                .unwrap_err()
                .contains("tolerance")
        );
    }

    #[test]
    fn mappings_count_each_value_and_entry_once() {
        let decl = r#"<responseDeclaration identifier="R" cardinality="multiple" baseType="string">
            <mapping defaultValue="-1" upperBound="2.5"><mapEntry mapKey="a" mappedValue="1" caseSensitive="false"/>
            <mapEntry mapKey="B" mappedValue="1"/><mapEntry mapKey="C" mappedValue="1"/></mapping></responseDeclaration>"#;
        let rp = set(r#"<mapResponse identifier="R"/>"#);
        assert_eq!(score(decl, &rp, json!({ "R": ["a", "a", "A"] })), Ok(1.0));
        assert_eq!(score(decl, &rp, json!({ "R": ["B", "b"] })), Ok(0.0));
        assert_eq!(score(decl, &rp, json!({ "R": ["a", "B", "C"] })), Ok(2.5));
        assert_eq!(score(decl, &rp, json!({ "R": null })), Ok(0.0));
    }

    #[test]
    fn points_fall_in_shapes() {
        let cases = [
            ("rect", "0,0,10,20", (10.0, 20.0), true),
            ("rect", "10,20,0,0", (5.0, 5.0), true),
            ("rect", "0,0,10,20", (11.0, 5.0), false),
            ("circle", "5,5,5", (5.0, 10.0), true),
            ("circle", "5,5,5", (9.0, 9.0), false),
            ("ellipse", "0,0,10,2", (9.0, 0.0), true),
            ("ellipse", "0,0,10,2", (0.0, 3.0), false),
            ("poly", "0,0,10,0,0,10,0,0", (2.0, 2.0), true),
            ("poly", "0,0,10,0,0,10,0,0", (8.0, 8.0), false),
            ("default", "", (1e9, -1e9), true),
        ];
        for (kind, coords, p, want) in cases {
            assert_eq!(
                Shape::read(kind, coords).unwrap().contains(p),
                want,
                "{kind} {coords} {p:?}"
            );
        }
        assert!(Shape::read("rect", "1,2,3").is_err());
        assert!(Shape::read("rect", "a,b,c,d").is_err());
    }

    #[test]
    fn refuses_what_it_cannot_run() {
        let cases = [
            (
                set(r#"<patternMatch pattern="a+"><variable identifier="R"/></patternMatch>"#),
                "unsupported expression patternMatch",
            ),
            (
                set(r#"<variable identifier="NOPE"/>"#),
                "undeclared variable \"NOPE\"",
            ),
            (
                r#"<setOutcomeValue identifier="OTHER"><null/></setOutcomeValue>"#.into(),
                "undeclared outcome \"OTHER\"",
            ),
            (
                set(r#"<mapResponse identifier="R"/>"#),
                "which has no mapping",
            ),
            (
                set("<subtract><null/></subtract>"),
                "subtract has 1 operands",
            ),
            (
                set(r#"<sum><baseValue baseType="string">x</baseValue></sum>"#),
                "a number was expected",
            ),
            (
                set(r#"<baseValue baseType="file">x</baseValue>"#),
                "base type file is not supported",
            ),
            (
                set(r#"<baseValue baseType="integer">1.5</baseValue>"#),
                "not a valid integer value",
            ),
            (
                r#"<responseCondition><responseIf/></responseCondition>"#.into(),
                "responseIf without a condition",
            ),
        ];
        for (rp, want) in cases {
            let err = score(FLOAT, &rp, json!({})).unwrap_err();
            assert!(err.contains(want), "{err:?} does not say {want:?}");
        }
    }

    #[test]
    fn exit_response_stops_processing() {
        let rp = format!(
            "{}<exitResponse/>{}",
            set(&bv("float", "2")),
            set(&bv("float", "5"))
        );
        assert_eq!(score(FLOAT, &rp, json!({})), Ok(2.0));
    }
}
