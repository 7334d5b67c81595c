//! Chinese-aware course search: the tokens a course is indexed under and the parsing of a learner's
//! query into terms, so that characters, full pinyin and initials all find it. The postings live
//! in memory ([`index`]).
//!
//! Tokens of a course, in three columns (`title`, `body` = subtitle, tags and institution,
//! `pinyin`):
//! - Han runs become unigrams and bigrams (`电商运营` → `电 商 运 营 电商 商运 运营`), so one- and
//!   two-character queries hit the index (a trigram index cannot answer `电商`).
//! - Latin words become lower-case tokens; well-known abbreviations are added (`photoshop` → `ps`).
//! - For every Han run, each suffix of up to [`MAX_SYLLABLES`] characters is added as concatenated
//!   full pinyin and as initials, with every reading of a heteronym (`会计` → `kuaiji huiji kj hj`),
//!   so a prefix term `dianshang` or `ds` finds `电商运营`.
//!
//! Query side: Han runs become bigram terms, Latin words prefix terms matched against Latin and
//! pinyin tokens alike; every term must match.

pub mod index;

use std::collections::BTreeSet;

use pinyin::ToPinyinMulti;

/// `meta` key whose value changes whenever the catalog is re-seeded (the index then rebuilds).
pub const CATALOG_VERSION_KEY: &str = "catalog_version";

/// A fresh value for [`CATALOG_VERSION_KEY`].
pub fn new_catalog_version() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{nanos:x}")
}

/// Longest pinyin token, in syllables, built from one starting character.
pub const MAX_SYLLABLES: usize = 6;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 64;

/// Most readings combined per pinyin token (heteronyms multiply).
const MAX_VARIANTS: usize = 8;

/// Common abbreviations learners type for tools in titles.
const ALIASES: &[(&str, &str)] = &[
    ("photoshop", "ps"),
    ("premiere", "pr"),
    ("illustrator", "ai"),
    ("javascript", "js"),
    ("typescript", "ts"),
    ("autocad", "cad"),
    ("powerpoint", "ppt"),
];

/// Whether `c` is a Han character (CJK Unified Ideographs and Extension A).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Full-width ASCII to half-width and lower case, so `Ｐｙｔｈｏｎ` searches like `python`.
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A piece of text: a run of Han characters or a Latin/digit word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Consecutive Han characters.
    Han(String),
    /// Consecutive ASCII letters and digits, lower-cased.
    Word(String),
}

/// Splits normalised text into Han runs and words; everything else separates.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_han = false;
    let flush = |cur: &mut String, han: bool, out: &mut Vec<Segment>| {
        if !cur.is_empty() {
            let s = std::mem::take(cur);
            out.push(if han {
                Segment::Han(s)
            } else {
                Segment::Word(s)
            });
        }
    };
    for c in normalize(text).chars() {
        let (keep, han) = if is_han(c) {
            (true, true)
        } else if c.is_ascii_alphanumeric() {
            (true, false)
        } else {
            (false, false)
        };
        if !keep || han != cur_han {
            flush(&mut cur, cur_han, &mut out);
        }
        if keep {
            cur.push(c);
            cur_han = han;
        }
    }
    flush(&mut cur, cur_han, &mut out);
    out
}

/// Plain (toneless) readings of a Han character, deduplicated; empty when unknown.
pub fn readings(c: char) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let r = p.plain();
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// The tokens of one course, space-separated, per column.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IndexTokens {
    /// Tokens of the title.
    pub title: String,
    /// Tokens of the subtitle, tags and institution name.
    pub body: String,
    /// Pinyin and initials tokens of the title and tags.
    pub pinyin: String,
}

fn text_tokens(text: &str, out: &mut BTreeSet<String>) {
    for seg in segments(text) {
        match seg {
            Segment::Word(w) => {
                for (long, short) in ALIASES {
                    if w == *long {
                        out.insert((*short).to_owned());
                    }
                }
                out.insert(w);
            }
            Segment::Han(run) => {
                let chars: Vec<char> = run.chars().collect();
                for (i, c) in chars.iter().enumerate() {
                    out.insert(c.to_string());
                    if let Some(next) = chars.get(i + 1) {
                        out.insert(format!("{c}{next}"));
                    }
                }
            }
        }
    }
}

fn pinyin_tokens(text: &str, out: &mut BTreeSet<String>) {
    for seg in segments(text) {
        let Segment::Han(run) = seg else { continue };
        let per_char: Vec<Vec<&str>> = run.chars().map(readings).collect();
        for start in 0..per_char.len() {
            let end = (start + MAX_SYLLABLES).min(per_char.len());
            // Every combination of readings over the window, capped.
            let mut fulls = vec![String::new()];
            let mut initials = vec![String::new()];
            for rs in &per_char[start..end] {
                if rs.is_empty() {
                    break;
                }
                let mut next_full = Vec::new();
                let mut next_init = Vec::new();
                for prefix in &fulls {
                    for r in rs {
                        if next_full.len() < MAX_VARIANTS {
                            next_full.push(format!("{prefix}{r}"));
                        }
                    }
                }
                for prefix in &initials {
                    for r in rs {
                        let init = format!("{prefix}{}", &r[..1]);
                        if next_init.len() < MAX_VARIANTS && !next_init.contains(&init) {
                            next_init.push(init);
                        }
                    }
                }
                fulls = next_full;
                initials = next_init;
            }
            out.extend(fulls.into_iter().filter(|s| !s.is_empty()));
            out.extend(initials.into_iter().filter(|s| !s.is_empty()));
        }
    }
}

fn join(tokens: BTreeSet<String>) -> String {
    tokens.into_iter().collect::<Vec<_>>().join(" ")
}

/// The index tokens of a course.
pub fn index_tokens(
    title: &str,
    subtitle: &str,
    tags: &[String],
    institution: &str,
) -> IndexTokens {
    let mut t = BTreeSet::new();
    text_tokens(title, &mut t);
    let mut b = BTreeSet::new();
    text_tokens(subtitle, &mut b);
    text_tokens(institution, &mut b);
    for tag in tags {
        text_tokens(tag, &mut b);
    }
    let mut p = BTreeSet::new();
    pinyin_tokens(title, &mut p);
    for tag in tags {
        pinyin_tokens(tag, &mut p);
    }
    IndexTokens {
        title: join(t),
        body: join(b),
        pinyin: join(p),
    }
}

/// A learner's query, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Terms that must all match: a token, and whether any token starting with it matches too.
    pub terms: Vec<Term>,
    /// The query's segments, for highlighting.
    pub segments: Vec<Segment>,
}

/// One term of a query.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Term {
    /// The token (a Han unigram or bigram, or a lower-case word).
    pub token: String,
    /// Whether tokens that start with it match (words: Latin prefixes, pinyin, initials).
    pub prefix: bool,
}

/// Parses a query; `None` when it has nothing searchable (only punctuation or spaces).
///
/// Han runs become their bigrams (one character: itself), words become prefix terms. Nothing of
/// the input is ever interpreted as syntax: terms are only Han characters and ASCII letters/digits.
pub fn parse_query(q: &str) -> Option<ParsedQuery> {
    let segs = segments(q);
    let mut terms = Vec::new();
    for seg in &segs {
        match seg {
            Segment::Han(run) => {
                let chars: Vec<char> = run.chars().collect();
                if chars.len() == 1 {
                    terms.push(Term {
                        token: run.clone(),
                        prefix: false,
                    });
                } else {
                    terms.extend(chars.windows(2).map(|w| Term {
                        token: w.iter().collect(),
                        prefix: false,
                    }));
                }
            }
            Segment::Word(w) => terms.push(Term {
                token: w.clone(),
                prefix: true,
            }),
        }
    }
    terms.sort();
    terms.dedup();
    if terms.is_empty() {
        return None;
    }
    Some(ParsedQuery {
        terms,
        segments: segs,
    })
}

/// Character ranges `[start, end)` of `title` that the query matched, merged and sorted.
pub fn highlights(title: &str, query: &ParsedQuery) -> Vec<[u32; 2]> {
    let chars: Vec<char> = title.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| normalize(&c.to_string()).chars().next().unwrap_or(*c))
        .collect();
    let mut marked = vec![false; chars.len()];
    let mut mark = |from: usize, to: usize| marked[from..to].iter_mut().for_each(|m| *m = true);
    for seg in &query.segments {
        match seg {
            Segment::Han(run) => {
                let needle: Vec<char> = run.chars().collect();
                let pieces: Vec<Vec<char>> =
                    if needle.len() == 1 || find_all(&lower, &needle).next().is_some() {
                        vec![needle]
                    } else {
                        needle.windows(2).map(<[char]>::to_vec).collect()
                    };
                for piece in pieces {
                    for at in find_all(&lower, &piece).collect::<Vec<_>>() {
                        mark(at, at + piece.len());
                    }
                }
            }
            Segment::Word(w) => {
                let needle: Vec<char> = w.chars().collect();
                let mut found = false;
                for at in find_all(&lower, &needle).collect::<Vec<_>>() {
                    // Only at a word start: `ps` highlights `PS修图`, not the `ps` in `tips`.
                    if at == 0 || !lower[at - 1].is_ascii_alphanumeric() {
                        mark(at, at + needle.len());
                        found = true;
                    }
                }
                if !found {
                    for (from, to) in pinyin_matches(&chars, w) {
                        mark(from, to);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < marked.len() {
        if marked[i] {
            let start = i;
            while i < marked.len() && marked[i] {
                i += 1;
            }
            out.push([start as u32, i as u32]);
        } else {
            i += 1;
        }
    }
    out
}

fn find_all<'a>(hay: &'a [char], needle: &'a [char]) -> impl Iterator<Item = usize> + 'a {
    let n = needle.len();
    (0..hay.len().saturating_sub(n.saturating_sub(1)))
        .filter(move |&i| n > 0 && i + n <= hay.len() && &hay[i..i + n] == needle)
}

/// Runs of Han characters whose full pinyin or initials start with `word` (prefix match).
fn pinyin_matches(chars: &[char], word: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for start in 0..chars.len() {
        if let Some(end) =
            match_from(chars, start, word, false).or_else(|| match_from(chars, start, word, true))
        {
            out.push((start, end));
        }
    }
    out
}

/// How far from `start` the readings (or initials) of consecutive Han characters spell `rest`.
fn match_from(chars: &[char], start: usize, rest: &str, initials: bool) -> Option<usize> {
    if rest.is_empty() {
        return Some(start);
    }
    let c = *chars.get(start)?;
    if !is_han(c) {
        return None;
    }
    for r in readings(c) {
        let r = if initials { &r[..1] } else { r };
        if let Some(tail) = rest.strip_prefix(r) {
            if let Some(end) = match_from(chars, start + 1, tail, initials) {
                return Some(end);
            }
        } else if r.starts_with(rest) {
            // The query ends inside this syllable: `dians` still marks 电商.
            return Some(start + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn han_runs_become_unigrams_and_bigrams() {
        let t = index_tokens("电商运营", "", &[], "");
        let mut want = ["电", "商", "运", "营", "电商", "商运", "运营"]
            .map(str::to_owned)
            .to_vec();
        want.sort();
        assert_eq!(tokens(&t.title), want);
    }

    #[test]
    fn pinyin_covers_full_initials_and_heteronyms() {
        let t = index_tokens("初级会计实务", "", &[], "");
        let p = tokens(&t.pinyin);
        // Queries are prefix terms, so a token that starts with the typed pinyin is enough.
        for want in [
            "kuaiji",
            "huiji",
            "kuaijishiwu",
            "kjsw",
            "chujikuaiji",
            "cjkj",
            "jishiwu",
        ] {
            assert!(
                p.iter().any(|t| t.starts_with(want)),
                "{want} missing from {p:?}"
            );
        }
        let e = index_tokens("抖音电商实战", "", &[], "");
        assert!(e.pinyin.split(' ').any(|t| t.starts_with("dianshang")));
        assert!(e.pinyin.split(' ').any(|t| t.starts_with("ds")));
    }

    #[test]
    fn latin_words_and_aliases() {
        let t = index_tokens("Photoshop 零基础入门", "", &["Ｐｙｔｈｏｎ".into()], "");
        assert!(t.title.split(' ').any(|x| x == "photoshop"));
        assert!(t.title.split(' ').any(|x| x == "ps"));
        assert!(
            t.body.split(' ').any(|x| x == "python"),
            "full-width folded: {}",
            t.body
        );
    }

    #[test]
    fn queries_become_terms_and_never_syntax() {
        let terms = |q: &str| -> Vec<(String, bool)> {
            parse_query(q)
                .map(|p| p.terms.into_iter().map(|t| (t.token, t.prefix)).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            terms("电商 ds"),
            [("ds".into(), true), ("电商".into(), false)]
        );
        let mut want: Vec<(String, bool)> = vec![
            ("python".into(), true),
            ("数据".into(), false),
            ("据分".into(), false),
            ("分析".into(), false),
        ];
        want.sort();
        assert_eq!(terms("Python数据分析"), want);
        for nasty in [
            "\"",
            "a\" OR \"b",
            "NEAR(a b)",
            "col:x",
            "*",
            "^x",
            "(",
            "-x",
            "'; DROP TABLE courses; --",
        ] {
            for (t, _) in terms(nasty) {
                assert!(
                    t.chars().all(|c| c.is_ascii_alphanumeric() || is_han(c)),
                    "{nasty}: {t}"
                );
            }
        }
        assert_eq!(parse_query("  ，。!?  "), None);
    }

    #[test]
    fn highlights_mark_characters_pinyin_and_initials() {
        let title = "抖音电商运营实战";
        assert_eq!(highlights(title, &parse_query("电商").unwrap()), [[2, 4]]);
        assert_eq!(
            highlights(title, &parse_query("dianshang").unwrap()),
            [[2, 4]]
        );
        assert_eq!(highlights(title, &parse_query("ds").unwrap()), [[2, 4]]);
        assert_eq!(
            highlights("初级会计职称", &parse_query("kuaiji").unwrap()),
            [[2, 4]]
        );
        assert_eq!(
            highlights("PS修图与Photoshop", &parse_query("ps").unwrap()),
            [[0, 2]]
        );
        assert_eq!(
            highlights("Python 入门", &parse_query("py").unwrap()),
            [[0, 2]]
        );
    }
}
