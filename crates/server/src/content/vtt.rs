//! WebVTT parser following the W3C parsing algorithm (<https://www.w3.org/TR/webvtt1/#parsing>).
//!
//! Only a missing or wrong `WEBVTT` signature fails a file, as in the spec; everything the spec
//! recovers from (a bad timing line, an unknown setting, `-->` inside cue text…) is recovered from
//! the same way and reported as a [`Warning`] with its 1-based line, so import checks can explain
//! why a cue went missing.

use std::collections::HashMap;
use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// A parsed WebVTT file: what the spec's parser outputs, plus warnings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vtt {
    /// Cues in file order.
    pub cues: Vec<Cue>,
    /// Recovered problems, in file order.
    pub warnings: Vec<Warning>,
    /// REGION definitions in file order (cues refer to them by id).
    pub regions: Vec<Region>,
    /// Contents of STYLE blocks (CSS text, not parsed).
    pub styles: Vec<String>,
    /// Text after `WEBVTT` on the first line, trimmed.
    pub header: String,
    /// Lines after the first one up to the first blank line.
    pub header_lines: Vec<String>,
}

/// The file is not WebVTT at all (the spec's only fatal error: a bad signature).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VttError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VttError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for VttError {}

/// A problem the parser recovered from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// 1-based line.
    pub line: usize,
    /// What was wrong and what the parser did about it.
    pub message: String,
}

/// One cue: timings, settings and its text as a node tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// Cue identifier (empty when the block has none).
    pub id: String,
    /// Start time in seconds.
    pub start: f64,
    /// End time in seconds.
    pub end: f64,
    /// Cue settings, with the spec's defaults for those not given.
    pub settings: CueSettings,
    /// The cue text as written (lines joined by `\n`).
    pub payload: String,
    /// The cue text parsed by the WebVTT cue text parsing rules.
    pub nodes: Vec<Node>,
}

impl Cue {
    /// Plain text: tags dropped, character references decoded (for transcripts and search).
    pub fn plain_text(&self) -> String {
        plain_text(&self.nodes)
    }
}

impl Serialize for Cue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Hand-written so that `text` is derived from `nodes` and can never disagree with it.
        let mut s = serializer.serialize_struct("Cue", 7)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("start", &self.start)?;
        s.serialize_field("end", &self.end)?;
        s.serialize_field("settings", &self.settings)?;
        s.serialize_field("text", &self.plain_text())?;
        s.serialize_field("payload", &self.payload)?;
        s.serialize_field("nodes", &self.nodes)?;
        s.end()
    }
}

/// Cue settings (the spec's "WebVTT cue" positioning attributes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CueSettings {
    /// Id of the region the cue is shown in, if any.
    pub region: Option<String>,
    /// Vertical writing direction; `None` is horizontal.
    pub vertical: Option<Vertical>,
    /// Line position; `None` is auto. A line number if `snap_to_lines`, else a percentage.
    pub line: Option<f64>,
    /// Whether `line` counts lines (true) or is a percentage (false).
    pub snap_to_lines: bool,
    /// Which edge of the cue box `line` positions.
    pub line_align: LineAlign,
    /// Position as a percentage; `None` is auto.
    pub position: Option<f64>,
    /// Which part of the cue box `position` positions.
    pub position_align: PositionAlign,
    /// Size as a percentage of the video.
    pub size: f64,
    /// Text alignment within the cue box.
    pub align: Align,
}

impl Default for CueSettings {
    fn default() -> Self {
        // The spec's "cue creation" defaults.
        CueSettings {
            region: None,
            vertical: None,
            line: None,
            snap_to_lines: true,
            line_align: LineAlign::Start,
            position: None,
            position_align: PositionAlign::Auto,
            size: 100.0,
            align: Align::Center,
        }
    }
}

/// Vertical writing direction of a cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Vertical {
    /// `vertical:rl`, growing left.
    Rl,
    /// `vertical:lr`, growing right.
    Lr,
}

/// Cue line alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineAlign {
    /// The default.
    Start,
    /// `,center`.
    Center,
    /// `,end`.
    End,
}

/// Cue position alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PositionAlign {
    /// The default: follows the text alignment.
    Auto,
    /// `,line-left`.
    LineLeft,
    /// `,center`.
    Center,
    /// `,line-right`.
    LineRight,
}

/// Cue text alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// `align:start`.
    Start,
    /// The default.
    Center,
    /// `align:end`.
    End,
    /// `align:left`.
    Left,
    /// `align:right`.
    Right,
}

/// A REGION definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    /// Identifier cues use in `region:`.
    pub id: String,
    /// Width as a percentage of the video width.
    pub width: f64,
    /// Height in lines.
    pub lines: u32,
    /// Point of the region (x%, y%) placed on `viewport_anchor`.
    pub region_anchor: [f64; 2],
    /// Point of the video (x%, y%) the region is anchored to.
    pub viewport_anchor: [f64; 2],
    /// Whether cues scroll up inside the region.
    pub scroll: Scroll,
}

impl Default for Region {
    fn default() -> Self {
        // The spec's "region creation" defaults.
        Region {
            id: String::new(),
            width: 100.0,
            lines: 3,
            region_anchor: [0.0, 100.0],
            viewport_anchor: [0.0, 100.0],
            scroll: Scroll::None,
        }
    }
}

/// Region scrolling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scroll {
    /// Cues do not move.
    None,
    /// `scroll:up`.
    Up,
}

/// A node of parsed cue text (the spec's "WebVTT Node Objects").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Node {
    /// Text, character references decoded.
    Text {
        /// The text.
        text: String,
    },
    /// A timestamp tag such as `<00:01.000>` (karaoke-style progress).
    Timestamp {
        /// The time in seconds.
        seconds: f64,
    },
    /// A tag span with its children.
    Element(Element),
}

/// A tag span in cue text (the spec's "WebVTT Internal Node Objects").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Element {
    /// Which tag.
    pub tag: Tag,
    /// Classes written after dots (`<c.yellow.bg_blue>`), empty ones dropped.
    pub classes: Vec<String>,
    /// For `v` the voice name, for `lang` the language tag (empty if not written); else `None`.
    pub annotation: Option<String>,
    /// Applicable language: that of the innermost enclosing (or this) `lang` span.
    pub lang: Option<String>,
    /// Child nodes.
    pub children: Vec<Node>,
}

/// Tags of cue text; all others are ignored, as the spec says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tag {
    /// `<c>`: class span.
    C,
    /// `<i>`: italics.
    I,
    /// `<b>`: bold.
    B,
    /// `<u>`: underline.
    U,
    /// `<ruby>`: ruby base.
    Ruby,
    /// `<rt>`: ruby text (only inside `<ruby>`).
    Rt,
    /// `<v>`: voice.
    V,
    /// `<lang>`: language span.
    Lang,
}

/// Plain text of a node list: tags dropped, text (including ruby text) concatenated in order.
pub fn plain_text(nodes: &[Node]) -> String {
    fn walk(nodes: &[Node], out: &mut String) {
        for node in nodes {
            match node {
                Node::Text { text } => out.push_str(text),
                Node::Timestamp { .. } => {}
                Node::Element(e) => walk(&e.children, out),
            }
        }
    }
    let mut out = String::new();
    walk(nodes, &mut out);
    out
}

/// Parses WebVTT bytes, decoding them as UTF-8 the way the spec says (invalid bytes become U+FFFD).
pub fn parse_bytes(bytes: &[u8]) -> Result<Vtt, VttError> {
    let text = String::from_utf8_lossy(bytes);
    let mut vtt = parse(&text)?;
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = line_of_raw(&bytes[..e.valid_up_to()]);
        let at = vtt.warnings.partition_point(|w| w.line < line);
        vtt.warnings.insert(
            at,
            Warning {
                line,
                message: "invalid UTF-8 (first occurrence); replaced by U+FFFD".into(),
            },
        );
    }
    Ok(vtt)
}

/// Parses a WebVTT file. Fails only when the signature is wrong; other problems become warnings.
pub fn parse(input: &str) -> Result<Vtt, VttError> {
    // UTF-8 decode drops one leading BOM.
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let text = normalize(input);
    Parser::new(&text).run()
}

/// Parses cue text by the WebVTT cue text parsing rules (without a fallback language).
pub fn parse_cue_text(text: &str) -> Vec<Node> {
    let chars: Vec<char> = text.chars().collect();
    let mut pos = 0;
    let mut root: Vec<Node> = Vec::new();
    // Open elements, innermost last; each is appended to its parent when it closes.
    let mut open: Vec<Element> = Vec::new();
    let mut languages: Vec<String> = Vec::new();

    fn append(root: &mut Vec<Node>, open: &mut [Element], node: Node) {
        match open.last_mut() {
            Some(parent) => parent.children.push(node),
            None => root.push(node),
        }
    }
    fn close(root: &mut Vec<Node>, open: &mut Vec<Element>) {
        if let Some(e) = open.pop() {
            append(root, open, Node::Element(e));
        }
    }

    while pos < chars.len() {
        match next_token(&chars, &mut pos) {
            Token::Text(text) => append(&mut root, &mut open, Node::Text { text }),
            Token::Start {
                name,
                classes,
                annotation,
            } => {
                let current = open.last().map(|e| e.tag);
                let (tag, annotation) = match name.as_str() {
                    "c" => (Tag::C, None),
                    "i" => (Tag::I, None),
                    "b" => (Tag::B, None),
                    "u" => (Tag::U, None),
                    "ruby" => (Tag::Ruby, None),
                    "rt" if current == Some(Tag::Ruby) => (Tag::Rt, None),
                    "v" => (Tag::V, Some(annotation.unwrap_or_default())),
                    "lang" => {
                        let lang = annotation.unwrap_or_default();
                        languages.push(lang.clone());
                        (Tag::Lang, Some(lang))
                    }
                    _ => continue,
                };
                open.push(Element {
                    tag,
                    classes: classes.into_iter().filter(|c| !c.is_empty()).collect(),
                    annotation,
                    lang: languages.last().cloned(),
                    children: Vec::new(),
                });
            }
            Token::End(name) => {
                let current = open.last().map(|e| e.tag);
                match (name.as_str(), current) {
                    ("c", Some(Tag::C))
                    | ("i", Some(Tag::I))
                    | ("b", Some(Tag::B))
                    | ("u", Some(Tag::U))
                    | ("ruby", Some(Tag::Ruby))
                    | ("rt", Some(Tag::Rt))
                    | ("v", Some(Tag::V)) => close(&mut root, &mut open),
                    ("lang", Some(Tag::Lang)) => {
                        close(&mut root, &mut open);
                        languages.pop();
                    }
                    ("ruby", Some(Tag::Rt)) => {
                        close(&mut root, &mut open);
                        close(&mut root, &mut open);
                    }
                    _ => {}
                }
            }
            Token::Timestamp(value) => {
                let mut p = 0;
                if let Ok(ms) = collect_timestamp(value.as_bytes(), &mut p) {
                    if p == value.len() {
                        let seconds = millis_to_seconds(ms);
                        append(&mut root, &mut open, Node::Timestamp { seconds });
                    }
                }
            }
        }
    }
    // Spans left open at the end of the text end there.
    while !open.is_empty() {
        close(&mut root, &mut open);
    }
    root
}

// ---------------------------------------------------------------------------------------------
// File parsing

/// What one "collect a WebVTT block" returned.
enum Block {
    Cue(Cue),
    Style(String),
    Region(Region),
    /// Nothing (comment, header, or a skipped block): the collected lines.
    Other(String),
}

struct Parser<'a> {
    input: &'a str,
    /// Byte offset of the spec's `position`; `input.len()` is "past the end".
    pos: usize,
    /// Byte offsets where each line starts, for warning line numbers.
    line_starts: Vec<usize>,
    seen_cue: bool,
    regions: Vec<Region>,
    warnings: Vec<Warning>,
    /// First line of each cue id, to report duplicates.
    cue_ids: HashMap<String, usize>,
    last_start: Option<f64>,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(input.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Parser {
            input,
            pos: 0,
            line_starts,
            seen_cue: false,
            regions: Vec::new(),
            warnings: Vec::new(),
            cue_ids: HashMap::new(),
            last_start: None,
        }
    }

    fn line_of(&self, pos: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= pos)
    }

    fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.warnings.push(Warning {
            line,
            message: message.into(),
        });
    }

    fn at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    fn skip_line_feeds(&mut self) {
        while self.input.as_bytes().get(self.pos) == Some(&b'\n') {
            self.pos += 1;
        }
    }

    /// The WebVTT parser algorithm.
    fn run(mut self) -> Result<Vtt, VttError> {
        let input = self.input;
        let fatal = |message: &str| VttError {
            line: 1,
            message: message.into(),
        };
        if input.is_empty() {
            return Err(fatal("empty file: a WebVTT file starts with \"WEBVTT\""));
        }
        if !input.starts_with("WEBVTT") {
            return Err(fatal(
                "missing \"WEBVTT\" signature at the start of the file",
            ));
        }
        if !matches!(input.as_bytes().get(6), None | Some(b' ' | b'\t' | b'\n')) {
            return Err(fatal(
                "\"WEBVTT\" must be followed by a space, a tab or the end of the line",
            ));
        }
        let first_end = input.find('\n').unwrap_or(input.len());
        let mut vtt = Vtt {
            cues: Vec::new(),
            warnings: Vec::new(),
            regions: Vec::new(),
            styles: Vec::new(),
            header: input[6..first_end]
                .trim_matches(|c: char| c.is_ascii_whitespace())
                .to_string(),
            header_lines: Vec::new(),
        };
        self.pos = first_end;
        if !self.at_end() {
            self.pos += 1;
        }
        if !self.at_end() {
            if input.as_bytes()[self.pos] != b'\n' {
                if let Block::Other(lines) = self.collect_block(true) {
                    if !lines.is_empty() {
                        vtt.header_lines = lines.split('\n').map(str::to_string).collect();
                    }
                }
            } else {
                self.pos += 1;
            }
            self.skip_line_feeds();
            while !self.at_end() {
                match self.collect_block(false) {
                    Block::Cue(cue) => vtt.cues.push(cue),
                    Block::Style(css) => vtt.styles.push(css),
                    Block::Region(region) => self.regions.push(region),
                    Block::Other(_) => {}
                }
                self.skip_line_feeds();
            }
        }
        // A block's checks can run after it saw a later line; report in file order.
        self.warnings.sort_by_key(|w| w.line);
        vtt.warnings = self.warnings;
        vtt.regions = self.regions;
        Ok(vtt)
    }

    /// The spec's "collect a WebVTT block", plus warnings about what it skips.
    fn collect_block(&mut self, in_header: bool) -> Block {
        let input = self.input;
        let block_line = self.line_of(self.pos);
        let mut line_count = 0;
        let mut previous = self.pos;
        let mut buffer = String::new();
        let mut seen_arrow = false;
        let mut cue: Option<Cue> = None;
        let mut cue_line = block_line;
        let mut stylesheet = false;
        let mut region: Option<Region> = None;
        let mut first_line = "";
        let mut bad_timings = false;
        loop {
            let start = self.pos;
            let end = input[start..].find('\n').map_or(input.len(), |i| start + i);
            let line = &input[start..end];
            line_count += 1;
            if line_count == 1 {
                first_line = line;
            }
            let seen_eof = end >= input.len();
            self.pos = if seen_eof { input.len() } else { end + 1 };
            if line.contains("-->") {
                if !in_header && (line_count == 1 || (line_count == 2 && !seen_arrow)) {
                    seen_arrow = true;
                    previous = self.pos;
                    cue_line = self.line_of(start);
                    match parse_timings_and_settings(line, &self.regions) {
                        Ok((start, end, settings, ignored)) => {
                            for message in ignored {
                                self.warn(cue_line, message);
                            }
                            cue = Some(Cue {
                                id: std::mem::take(&mut buffer),
                                start: millis_to_seconds(start),
                                end: millis_to_seconds(end),
                                settings,
                                payload: String::new(),
                                nodes: Vec::new(),
                            });
                            self.seen_cue = true;
                        }
                        Err(reason) => {
                            cue = None;
                            bad_timings = true;
                            self.warn(
                                cue_line,
                                format!("invalid cue timings ({reason}); the cue is skipped"),
                            );
                        }
                    }
                } else {
                    self.pos = previous;
                    let line_no = self.line_of(start);
                    if in_header {
                        self.warn(
                            line_no,
                            "the header must end with a blank line; this line starts the first cue",
                        );
                    } else if !bad_timings {
                        // A block already reported as skipped needs no second warning.
                        self.warn(
                            line_no,
                            "\"-->\" ends the block above; this line is read as cue timings",
                        );
                    }
                    break;
                }
            } else if line.is_empty() {
                break;
            } else {
                if !in_header && line_count == 2 && !self.seen_cue {
                    if is_keyword_line(&buffer, "STYLE") {
                        stylesheet = true;
                        buffer.clear();
                    } else if is_keyword_line(&buffer, "REGION") {
                        region = Some(Region::default());
                        buffer.clear();
                    }
                }
                if !buffer.is_empty() {
                    buffer.push('\n');
                }
                buffer.push_str(line);
                previous = self.pos;
            }
            if seen_eof {
                break;
            }
        }

        if let Some(mut cue) = cue {
            cue.nodes = parse_cue_text(&buffer);
            cue.payload = buffer;
            self.check_cue(&cue, cue_line);
            return Block::Cue(cue);
        }
        if stylesheet {
            return Block::Style(buffer);
        }
        if let Some(mut region) = region {
            for message in parse_region_settings(&buffer, &mut region) {
                self.warn(block_line, message);
            }
            if region.id.is_empty() {
                self.warn(block_line, "REGION without an id: no cue can use it");
            } else if self.regions.iter().any(|r| r.id == region.id) {
                self.warn(
                    block_line,
                    format!(
                        "duplicate region id \"{}\": the last definition wins",
                        region.id
                    ),
                );
            }
            return Block::Region(region);
        }
        if !in_header && !bad_timings && !is_comment_line(first_line) {
            let message = match ["STYLE", "REGION"]
                .into_iter()
                .find(|k| is_keyword_line(first_line, k))
            {
                Some(k) if self.seen_cue => {
                    format!("{k} blocks must come before the first cue; this one is ignored")
                }
                Some(k) => format!("empty {k} block is ignored"),
                None => "block without cue timings (and not a NOTE) is skipped".to_string(),
            };
            self.warn(block_line, message);
        }
        Block::Other(buffer)
    }

    /// Authoring requirements the parser itself does not enforce (the cue is kept).
    fn check_cue(&mut self, cue: &Cue, line: usize) {
        if cue.end <= cue.start {
            self.warn(
                line,
                format!(
                    "cue end time {} must be greater than its start time {}",
                    format_seconds(cue.end),
                    format_seconds(cue.start)
                ),
            );
        }
        if let Some(last) = self.last_start {
            if cue.start < last {
                self.warn(
                    line,
                    format!(
                        "cue starts at {}, before the previous cue ({}): cues must be in start-time order",
                        format_seconds(cue.start),
                        format_seconds(last)
                    ),
                );
            }
        }
        self.last_start = Some(cue.start);
        if !cue.id.is_empty() {
            if let Some(&first) = self.cue_ids.get(&cue.id) {
                self.warn(
                    line,
                    format!(
                        "duplicate cue id \"{}\" (first used on line {first})",
                        cue.id
                    ),
                );
            } else {
                self.cue_ids.insert(cue.id.clone(), line);
            }
        }
    }
}

/// NUL to U+FFFD, CRLF and CR to LF (the parser's first step).
fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            c => out.push(c),
        }
    }
    out
}

/// 1-based line at the end of raw (not normalized) bytes, counting CRLF, CR and LF once each.
fn line_of_raw(bytes: &[u8]) -> usize {
    let mut line = 1;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
        }
    }
    line
}

/// `buffer` is `keyword` followed only by ASCII whitespace (how the spec spots STYLE and REGION).
fn is_keyword_line(buffer: &str, keyword: &str) -> bool {
    buffer
        .strip_prefix(keyword)
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_whitespace()))
}

/// A NOTE block's first line: "NOTE" then a space, a tab or the end of the line.
fn is_comment_line(line: &str) -> bool {
    line.strip_prefix("NOTE")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

fn millis_to_seconds(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// Seconds as a WebVTT timestamp, for messages.
fn format_seconds(seconds: f64) -> String {
    let ms = (seconds * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

fn skip_whitespace(s: &[u8], pos: &mut usize) {
    while s.get(*pos).is_some_and(|b| b.is_ascii_whitespace()) {
        *pos += 1;
    }
}

/// Collects ASCII digits: their count and value (`None` on overflow).
fn collect_digits(s: &[u8], pos: &mut usize) -> (usize, Option<u64>) {
    let start = *pos;
    let mut value = Some(0u64);
    while let Some(&b) = s.get(*pos).filter(|b| b.is_ascii_digit()) {
        value = value
            .and_then(|v| v.checked_mul(10))
            .and_then(|v| v.checked_add(u64::from(b - b'0')));
        *pos += 1;
    }
    (*pos - start, value)
}

/// The spec's "collect a WebVTT timestamp", in milliseconds; the error says what is wrong.
fn collect_timestamp(s: &[u8], pos: &mut usize) -> Result<u64, &'static str> {
    if !s.get(*pos).is_some_and(|b| b.is_ascii_digit()) {
        return Err("expected a timestamp");
    }
    let (n1, v1) = collect_digits(s, pos);
    let hours_first = n1 != 2 || v1.is_none_or(|v| v > 59);
    if s.get(*pos) != Some(&b':') {
        return Err("expected ':' in the timestamp");
    }
    *pos += 1;
    let (n2, v2) = collect_digits(s, pos);
    if n2 != 2 {
        return Err("minutes and seconds need exactly two digits");
    }
    let (hours, minutes, seconds) = if hours_first || s.get(*pos) == Some(&b':') {
        if s.get(*pos) != Some(&b':') {
            return Err("expected ':' after the minutes");
        }
        *pos += 1;
        let (n3, v3) = collect_digits(s, pos);
        if n3 != 2 {
            return Err("minutes and seconds need exactly two digits");
        }
        (v1, v2, v3)
    } else {
        (Some(0), v1, v2)
    };
    if s.get(*pos) != Some(&b'.') {
        return Err("expected '.' and three digits of milliseconds");
    }
    *pos += 1;
    let (n4, fraction) = collect_digits(s, pos);
    if n4 != 3 {
        return Err("milliseconds need exactly three digits");
    }
    // Two-digit fields cannot overflow; only hours can.
    let (minutes, seconds, fraction) = (
        minutes.unwrap_or(0),
        seconds.unwrap_or(0),
        fraction.unwrap_or(0),
    );
    if minutes > 59 || seconds > 59 {
        return Err("minutes and seconds must be below 60");
    }
    hours
        .and_then(|h| h.checked_mul(3_600_000))
        .and_then(|h| h.checked_add(minutes * 60_000 + seconds * 1000 + fraction))
        .ok_or("hours out of range")
}

type Timings = (u64, u64, CueSettings, Vec<String>);

/// The spec's "collect WebVTT cue timings and settings": start, end (ms), settings, and a
/// message for each setting ignored.
fn parse_timings_and_settings(line: &str, regions: &[Region]) -> Result<Timings, String> {
    let s = line.as_bytes();
    let mut pos = 0;
    skip_whitespace(s, &mut pos);
    let start = collect_timestamp(s, &mut pos).map_err(|e| format!("start time: {e}"))?;
    skip_whitespace(s, &mut pos);
    if !s[pos..].starts_with(b"-->") {
        return Err("expected \"-->\" after the start time".into());
    }
    pos += 3;
    skip_whitespace(s, &mut pos);
    let end = collect_timestamp(s, &mut pos).map_err(|e| format!("end time: {e}"))?;
    // Only ASCII was consumed, so `pos` is a char boundary.
    let (settings, ignored) = parse_cue_settings(&line[pos..], regions);
    Ok((start, end, settings, ignored))
}

/// Splits `name:value`; `None` if there is no colon or it is first or last (spec: skip it).
fn split_setting(setting: &str) -> Option<(&str, &str)> {
    let (name, value) = setting.split_once(':')?;
    (!name.is_empty() && !value.is_empty()).then_some((name, value))
}

/// The spec's "parse the WebVTT cue settings"; invalid settings are ignored one by one.
fn parse_cue_settings(input: &str, regions: &[Region]) -> (CueSettings, Vec<String>) {
    let mut cue = CueSettings::default();
    let mut ignored = Vec::new();
    for setting in input.split_ascii_whitespace() {
        let Some((name, value)) = split_setting(setting) else {
            ignored.push(format!(
                "ignored cue setting \"{setting}\": expected name:value"
            ));
            continue;
        };
        let problem: Option<&str> = match name {
            "region" => {
                cue.region = regions
                    .iter()
                    .rev()
                    .find(|r| r.id == value)
                    .map(|r| r.id.clone());
                cue.region
                    .is_none()
                    .then_some("no REGION with that id is defined before it")
            }
            "vertical" => {
                let problem = match value {
                    "rl" => {
                        cue.vertical = Some(Vertical::Rl);
                        None
                    }
                    "lr" => {
                        cue.vertical = Some(Vertical::Lr);
                        None
                    }
                    _ => Some("expected rl or lr"),
                };
                // There are no vertical regions.
                if cue.vertical.is_some() {
                    cue.region = None;
                }
                problem
            }
            "line" => parse_line_setting(value, &mut cue).err(),
            "position" => parse_position_setting(value, &mut cue).err(),
            "size" => match parse_percentage(value) {
                Some(size) => {
                    cue.size = size;
                    // An explicitly sized cue drops out of its region.
                    if size != 100.0 {
                        cue.region = None;
                    }
                    None
                }
                None => Some("expected a percentage from 0% to 100%"),
            },
            "align" => {
                let align = match value {
                    "start" => Some(Align::Start),
                    "center" => Some(Align::Center),
                    "end" => Some(Align::End),
                    "left" => Some(Align::Left),
                    "right" => Some(Align::Right),
                    _ => None,
                };
                match align {
                    Some(a) => {
                        cue.align = a;
                        None
                    }
                    None => Some("expected start, center, end, left or right"),
                }
            }
            _ => Some("unknown setting"),
        };
        if let Some(problem) = problem {
            ignored.push(format!("ignored cue setting \"{setting}\": {problem}"));
        }
    }
    (cue, ignored)
}

/// The `line:` setting: a line number or a percentage, then optionally `,start|center|end`.
fn parse_line_setting(value: &str, cue: &mut CueSettings) -> Result<(), &'static str> {
    let (linepos, linealign) = match value.split_once(',') {
        Some((pos, align)) => (pos, Some(align)),
        None => (value, None),
    };
    if !linepos.bytes().any(|b| b.is_ascii_digit()) {
        return Err("expected a number or a percentage");
    }
    let percent = linepos.ends_with('%');
    let number = if percent {
        parse_percentage(linepos).ok_or("expected a percentage from 0% to 100%")?
    } else {
        let bytes = linepos.as_bytes();
        let bad = "expected an integer or decimal number";
        if !bytes
            .iter()
            .all(|b| b.is_ascii_digit() || *b == b'-' || *b == b'.')
            || bytes[1..].contains(&b'-')
        {
            return Err(bad);
        }
        let dots: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == b'.').collect();
        if dots.len() > 1 {
            return Err(bad);
        }
        if let Some(&dot) = dots.first() {
            if dot == 0
                || dot == bytes.len() - 1
                || !bytes[dot - 1].is_ascii_digit()
                || !bytes[dot + 1].is_ascii_digit()
            {
                return Err(bad);
            }
        }
        linepos.parse::<f64>().map_err(|_| bad)?
    };
    let align = match linealign {
        Some("start") => LineAlign::Start,
        Some("center") => LineAlign::Center,
        Some("end") => LineAlign::End,
        Some(_) => return Err("line alignment must be start, center or end"),
        None => cue.line_align,
    };
    cue.line_align = align;
    cue.line = Some(number);
    cue.snap_to_lines = !percent;
    // A cue positioned by line drops out of its region.
    cue.region = None;
    Ok(())
}

/// The `position:` setting: a percentage, then optionally `,line-left|center|line-right`.
fn parse_position_setting(value: &str, cue: &mut CueSettings) -> Result<(), &'static str> {
    let (colpos, colalign) = match value.split_once(',') {
        Some((pos, align)) => (pos, Some(align)),
        None => (value, None),
    };
    let number = parse_percentage(colpos).ok_or("expected a percentage from 0% to 100%")?;
    let align = match colalign {
        Some("line-left") => PositionAlign::LineLeft,
        Some("center") => PositionAlign::Center,
        Some("line-right") => PositionAlign::LineRight,
        Some(_) => return Err("position alignment must be line-left, center or line-right"),
        None => cue.position_align,
    };
    cue.position_align = align;
    cue.position = Some(number);
    Ok(())
}

/// The spec's "parse a percentage string": digits, optional `.digits`, `%`, within 0..=100.
fn parse_percentage(s: &str) -> Option<f64> {
    let number = s.strip_suffix('%')?;
    let (int, fraction) = match number.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (number, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    (0.0..=100.0).contains(&value).then_some(value)
}

/// Percentage pair `x%,y%` for region anchors.
fn parse_anchor(value: &str) -> Option<[f64; 2]> {
    let (x, y) = value.split_once(',')?;
    Some([parse_percentage(x)?, parse_percentage(y)?])
}

/// The spec's "collect WebVTT region settings"; returns a message per ignored setting.
fn parse_region_settings(input: &str, region: &mut Region) -> Vec<String> {
    let mut ignored = Vec::new();
    for setting in input.split_ascii_whitespace() {
        let Some((name, value)) = split_setting(setting) else {
            ignored.push(format!(
                "ignored region setting \"{setting}\": expected name:value"
            ));
            continue;
        };
        let problem = match name {
            "id" => {
                region.id = value.to_string();
                None
            }
            "width" => match parse_percentage(value) {
                Some(width) => {
                    region.width = width;
                    None
                }
                None => Some("expected a percentage from 0% to 100%"),
            },
            "lines" => {
                if value.bytes().all(|b| b.is_ascii_digit()) {
                    region.lines = value.parse().unwrap_or(u32::MAX);
                    None
                } else {
                    Some("expected a whole number")
                }
            }
            "regionanchor" => match parse_anchor(value) {
                Some(anchor) => {
                    region.region_anchor = anchor;
                    None
                }
                None => Some("expected two percentages x%,y%"),
            },
            "viewportanchor" => match parse_anchor(value) {
                Some(anchor) => {
                    region.viewport_anchor = anchor;
                    None
                }
                None => Some("expected two percentages x%,y%"),
            },
            "scroll" => {
                if value == "up" {
                    region.scroll = Scroll::Up;
                    None
                } else {
                    Some("expected up")
                }
            }
            _ => Some("unknown setting"),
        };
        if let Some(problem) = problem {
            ignored.push(format!("ignored region setting \"{setting}\": {problem}"));
        }
    }
    ignored
}

// ---------------------------------------------------------------------------------------------
// Cue text tokenizer

enum Token {
    Text(String),
    Start {
        name: String,
        classes: Vec<String>,
        annotation: Option<String>,
    },
    End(String),
    Timestamp(String),
}

#[derive(Clone, Copy)]
enum State {
    Data,
    Tag,
    StartTag,
    StartTagClass,
    StartTagAnnotation,
    EndTag,
    TimestampTag,
}

/// The spec's "WebVTT cue text tokenizer": one token from `chars` at `pos`.
fn next_token(chars: &[char], pos: &mut usize) -> Token {
    let mut state = State::Data;
    let mut result = String::new();
    let mut classes: Vec<String> = Vec::new();
    let mut buffer = String::new();
    let start_tag =
        |result: String, classes: Vec<String>, annotation: Option<String>| Token::Start {
            name: result,
            classes,
            annotation,
        };
    loop {
        let c = chars.get(*pos).copied();
        match state {
            State::Data => match c {
                Some('&') => {
                    *pos += 1;
                    match consume_char_ref(chars, pos, None) {
                        Some(decoded) => result.push_str(&decoded),
                        None => result.push('&'),
                    }
                    continue;
                }
                Some('<') if result.is_empty() => state = State::Tag,
                Some('<') | None => return Token::Text(result),
                Some(c) => result.push(c),
            },
            State::Tag => match c {
                Some('\t' | '\n' | '\x0c' | ' ') => state = State::StartTagAnnotation,
                Some('.') => state = State::StartTagClass,
                Some('/') => state = State::EndTag,
                Some(d) if d.is_ascii_digit() => {
                    result.push(d);
                    state = State::TimestampTag;
                }
                Some('>') => {
                    *pos += 1;
                    return start_tag(result, Vec::new(), None);
                }
                None => return start_tag(result, Vec::new(), None),
                Some(c) => {
                    result.push(c);
                    state = State::StartTag;
                }
            },
            State::StartTag => match c {
                Some('\t' | '\x0c' | ' ') => state = State::StartTagAnnotation,
                Some('\n') => {
                    buffer.push('\n');
                    state = State::StartTagAnnotation;
                }
                Some('.') => state = State::StartTagClass,
                Some('>') => {
                    *pos += 1;
                    return start_tag(result, Vec::new(), None);
                }
                None => return start_tag(result, Vec::new(), None),
                Some(c) => result.push(c),
            },
            State::StartTagClass => match c {
                Some('\t' | '\x0c' | ' ') => {
                    classes.push(std::mem::take(&mut buffer));
                    state = State::StartTagAnnotation;
                }
                Some('\n') => {
                    classes.push(std::mem::take(&mut buffer));
                    buffer.push('\n');
                    state = State::StartTagAnnotation;
                }
                Some('.') => classes.push(std::mem::take(&mut buffer)),
                Some('>') => {
                    *pos += 1;
                    classes.push(buffer);
                    return start_tag(result, classes, None);
                }
                None => {
                    classes.push(buffer);
                    return start_tag(result, classes, None);
                }
                Some(c) => buffer.push(c),
            },
            State::StartTagAnnotation => match c {
                Some('&') => {
                    *pos += 1;
                    match consume_char_ref(chars, pos, Some('>')) {
                        Some(decoded) => buffer.push_str(&decoded),
                        None => buffer.push('&'),
                    }
                    continue;
                }
                Some('>') => {
                    *pos += 1;
                    return start_tag(result, classes, Some(collapse_whitespace(&buffer)));
                }
                None => return start_tag(result, classes, Some(collapse_whitespace(&buffer))),
                Some(c) => buffer.push(c),
            },
            State::EndTag => match c {
                Some('>') => {
                    *pos += 1;
                    return Token::End(result);
                }
                None => return Token::End(result),
                Some(c) => result.push(c),
            },
            State::TimestampTag => match c {
                Some('>') => {
                    *pos += 1;
                    return Token::Timestamp(result);
                }
                None => return Token::Timestamp(result),
                Some(c) => result.push(c),
            },
        }
        *pos += 1;
    }
}

/// Trims ASCII whitespace and collapses runs of it to one space (annotations).
fn collapse_whitespace(s: &str) -> String {
    s.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// Named character references understood, longest match wins; names without `;` are HTML's
/// legacy forms. A subset of HTML's table: references not listed stay as written.
const NAMED_REFERENCES: &[(&str, &str)] = &[
    ("amp;", "&"),
    ("amp", "&"),
    ("AMP;", "&"),
    ("AMP", "&"),
    ("lt;", "<"),
    ("lt", "<"),
    ("LT;", "<"),
    ("LT", "<"),
    ("gt;", ">"),
    ("gt", ">"),
    ("GT;", ">"),
    ("GT", ">"),
    ("nbsp;", "\u{a0}"),
    ("nbsp", "\u{a0}"),
    ("lrm;", "\u{200e}"),
    ("rlm;", "\u{200f}"),
    ("zwj;", "\u{200d}"),
    ("zwnj;", "\u{200c}"),
    ("quot;", "\""),
    ("quot", "\""),
    ("QUOT;", "\""),
    ("QUOT", "\""),
    ("apos;", "'"),
    ("copy;", "\u{a9}"),
    ("copy", "\u{a9}"),
    ("COPY;", "\u{a9}"),
    ("COPY", "\u{a9}"),
    ("reg;", "\u{ae}"),
    ("reg", "\u{ae}"),
    ("REG;", "\u{ae}"),
    ("REG", "\u{ae}"),
    ("trade;", "\u{2122}"),
    ("hellip;", "\u{2026}"),
    ("mdash;", "\u{2014}"),
    ("ndash;", "\u{2013}"),
    ("lsquo;", "\u{2018}"),
    ("rsquo;", "\u{2019}"),
    ("ldquo;", "\u{201c}"),
    ("rdquo;", "\u{201d}"),
    ("laquo;", "\u{ab}"),
    ("raquo;", "\u{bb}"),
    ("middot;", "\u{b7}"),
    ("bull;", "\u{2022}"),
    ("times;", "\u{d7}"),
    ("divide;", "\u{f7}"),
    ("deg;", "\u{b0}"),
    ("euro;", "\u{20ac}"),
    ("yen;", "\u{a5}"),
    ("pound;", "\u{a3}"),
    ("shy;", "\u{ad}"),
    ("ensp;", "\u{2002}"),
    ("emsp;", "\u{2003}"),
    ("thinsp;", "\u{2009}"),
];

/// HTML's replacements for numeric references to C1 controls (windows-1252 reading).
const C1_REPLACEMENTS: [(u32, char); 27] = [
    (0x80, '\u{20ac}'),
    (0x82, '\u{201a}'),
    (0x83, '\u{0192}'),
    (0x84, '\u{201e}'),
    (0x85, '\u{2026}'),
    (0x86, '\u{2020}'),
    (0x87, '\u{2021}'),
    (0x88, '\u{02c6}'),
    (0x89, '\u{2030}'),
    (0x8a, '\u{0160}'),
    (0x8b, '\u{2039}'),
    (0x8c, '\u{0152}'),
    (0x8e, '\u{017d}'),
    (0x91, '\u{2018}'),
    (0x92, '\u{2019}'),
    (0x93, '\u{201c}'),
    (0x94, '\u{201d}'),
    (0x95, '\u{2022}'),
    (0x96, '\u{2013}'),
    (0x97, '\u{2014}'),
    (0x98, '\u{02dc}'),
    (0x99, '\u{2122}'),
    (0x9a, '\u{0161}'),
    (0x9b, '\u{203a}'),
    (0x9c, '\u{0153}'),
    (0x9e, '\u{017e}'),
    (0x9f, '\u{0178}'),
];

/// HTML's "consume a character reference" with `pos` just after the `&`: on success moves `pos`
/// past the reference; on `None` nothing is consumed.
fn consume_char_ref(chars: &[char], pos: &mut usize, additional: Option<char>) -> Option<String> {
    let start = *pos;
    match chars.get(start).copied() {
        None | Some('\t' | '\n' | '\x0c' | ' ' | '<' | '&') => None,
        Some(c) if Some(c) == additional => None,
        Some('#') => {
            let mut p = start + 1;
            let hex = matches!(chars.get(p), Some('x' | 'X'));
            if hex {
                p += 1;
            }
            let radix = if hex { 16 } else { 10 };
            let digits_start = p;
            let mut value: u32 = 0;
            while let Some(d) = chars.get(p).and_then(|c| c.to_digit(radix)) {
                // Saturate: anything past U+10FFFF becomes U+FFFD anyway.
                value = value.saturating_mul(radix).saturating_add(d);
                p += 1;
            }
            if p == digits_start {
                return None;
            }
            if chars.get(p) == Some(&';') {
                p += 1;
            }
            *pos = p;
            let c = if value == 0 {
                '\u{fffd}'
            } else if let Some(&(_, r)) = C1_REPLACEMENTS.iter().find(|(n, _)| *n == value) {
                r
            } else {
                char::from_u32(value).unwrap_or('\u{fffd}')
            };
            Some(c.to_string())
        }
        Some(_) => {
            let rest = &chars[start..];
            let (name, value) = NAMED_REFERENCES
                .iter()
                .filter(|(name, _)| {
                    name.chars().count() <= rest.len()
                        && name.chars().zip(rest).all(|(a, b)| a == *b)
                })
                .max_by_key(|(name, _)| name.len())?;
            *pos = start + name.chars().count();
            Some((*value).to_string())
        }
    }
}
