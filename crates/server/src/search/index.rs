//! An in-memory columnar copy of every course's filterable attributes, so filters, facet counts,
//! sort and paging are one pass over integers instead of eight aggregate queries.
//!
//! The text postings live here too: every token (sorted, so a prefix is a range) with the rows
//! and columns it occurs in. SQLite reads only the page's rows. Rebuilt when `meta.catalog_version` changes (seeding); a review
//! updates its course's rating in place.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use jieti_api::{FacetValue, Facets, Level, Sort};
use sqlx::FromRow;

use crate::db::search::{DurationBucket, PriceFilter, SearchFilter};
use crate::db::Db;

/// Index of a course in the columns.
type Row = u32;

/// The catalog's filterable columns and presorted orders.
pub struct CatalogIndex {
    /// The `meta.catalog_version` this was built from.
    pub version: String,
    docs: Vec<i64>,
    ids: Vec<String>,
    row_of_doc: HashMap<i64, Row>,
    category: Vec<u16>,
    categories: Vec<String>,
    level: Vec<u8>,
    price_fen: Vec<u32>,
    minutes: Vec<u32>,
    rating: Vec<AtomicU32>,
    rating_count: Vec<u32>,
    /// Share of learners who completed the course (0–1).
    completion: Vec<f32>,
    learners: Vec<u32>,
    certificate: Vec<bool>,
    institution: Vec<u32>,
    institutions: Vec<(String, String)>,
    lang: Vec<u16>,
    langs: Vec<String>,
    published: Vec<String>,
    by_popular: Vec<Row>,
    by_newest: Vec<Row>,
    /// Text tokens, sorted (prefix queries are ranges), each with its postings:
    /// `row << 3 | columns` (bit 0 title, 1 body, 2 pinyin).
    tokens: Vec<(Box<str>, Vec<u32>)>,
}

/// Column bits of a posting, and their relevance weights (as the bm25 weights they replace).
const IN_TITLE: u32 = 1;
const IN_BODY: u32 = 2;
const IN_PINYIN: u32 = 4;

fn column_weight(cols: u32) -> u16 {
    if cols & IN_TITLE != 0 {
        10
    } else if cols & IN_PINYIN != 0 {
        6
    } else {
        2
    }
}

#[derive(FromRow)]
struct IndexRow {
    doc: i64,
    id: String,
    category_id: String,
    level: String,
    price_fen: i64,
    duration_minutes: i64,
    rating: f64,
    rating_count: i64,
    completed_count: i64,
    learner_count: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    certificate: bool,
    institution_id: String,
    institution_name: String,
    lang: String,
    published: String,
    title: String,
    subtitle: String,
    tags: String,
}

fn intern<T: Copy + TryFrom<usize>>(
    map: &mut HashMap<String, T>,
    list: &mut Vec<String>,
    value: &str,
) -> T {
    if let Some(v) = map.get(value) {
        return *v;
    }
    match T::try_from(list.len()) {
        Ok(id) => {
            map.insert(value.to_owned(), id);
            list.push(value.to_owned());
            id
        }
        // More distinct values than the column type holds (65,536 categories or languages):
        // share an existing one rather than fail every search.
        Err(_) => *map
            .values()
            .next()
            .unwrap_or_else(|| unreachable!("a full table is not empty")),
    }
}

fn level_code(level: &str) -> u8 {
    match Level::parse(level) {
        Some(Level::Beginner) => 0,
        Some(Level::Intermediate) => 1,
        _ => 2,
    }
}

const LEVELS: [&str; 3] = ["beginner", "intermediate", "advanced"];

/// Filter dimensions, as bits of a row's "fails" mask.
const CATEGORY: u8 = 1;
const LEVEL: u8 = 2;
const PRICE: u8 = 4;
const DURATION: u8 = 8;
const RATING: u8 = 16;
const CERTIFICATE: u8 = 32;
const INSTITUTION: u8 = 64;
const LANG: u8 = 128;

/// A filter resolved against the index's value tables; `None` inside means "matches nothing".
struct Compiled {
    category: Option<Option<u16>>,
    level: Option<u8>,
    price: Option<PriceFilter>,
    duration: Option<DurationBucket>,
    min_rating: Option<f32>,
    certificate: bool,
    institution: Option<Option<u32>>,
    lang: Option<Option<u16>>,
}

fn price_ok(p: PriceFilter, fen: u32) -> bool {
    match p {
        PriceFilter::Free => fen == 0,
        PriceFilter::Paid => fen > 0,
        PriceFilter::Range { min, max } => fen > 0 && fen >= min && max.is_none_or(|m| fen <= m),
    }
}

fn duration_ok(d: DurationBucket, m: u32) -> bool {
    match d {
        DurationBucket::Short => m < 120,
        DurationBucket::Medium => (120..=600).contains(&m),
        DurationBucket::Long => m > 600,
    }
}

/// One page of a search, from the index.
pub struct IndexResult {
    /// Doc ids of the page, in order.
    pub docs: Vec<i64>,
    /// All matches.
    pub total: u64,
    /// Facet counts, when asked for.
    pub facets: Option<Facets>,
}

impl CatalogIndex {
    /// Reads the whole catalog's filterable columns.
    pub async fn build(db: &Db, version: String) -> Result<Self, sqlx::Error> {
        let rows: Vec<IndexRow> = sqlx::query_as(
            "SELECT c.doc, c.id, c.category_id, c.level, c.price_fen, c.duration_minutes, c.rating, c.rating_count,
                    c.completed_count, c.learner_count, c.certificate, c.institution_id, i.name AS institution_name, c.lang, c.published,
                    c.title, c.subtitle, c.tags
             FROM courses c JOIN institutions i ON i.id = c.institution_id",
        )
        .fetch_all(db)
        .await?;
        let n = rows.len();
        let mut ix = CatalogIndex {
            version,
            docs: Vec::with_capacity(n),
            ids: Vec::with_capacity(n),
            row_of_doc: HashMap::with_capacity(n),
            category: Vec::with_capacity(n),
            categories: Vec::new(),
            level: Vec::with_capacity(n),
            price_fen: Vec::with_capacity(n),
            minutes: Vec::with_capacity(n),
            rating: Vec::with_capacity(n),
            rating_count: Vec::with_capacity(n),
            completion: Vec::with_capacity(n),
            learners: Vec::with_capacity(n),
            certificate: Vec::with_capacity(n),
            institution: Vec::with_capacity(n),
            institutions: Vec::new(),
            lang: Vec::with_capacity(n),
            langs: Vec::new(),
            published: Vec::with_capacity(n),
            by_popular: Vec::new(),
            by_newest: Vec::new(),
            tokens: Vec::new(),
        };
        let (mut cats, mut insts, mut langs) = (
            HashMap::new(),
            HashMap::<String, u32>::new(),
            HashMap::new(),
        );
        let mut inst_names = Vec::new();
        let clamp = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, r) in rows.into_iter().enumerate() {
            ix.row_of_doc.insert(r.doc, i as Row);
            ix.docs.push(r.doc);
            ix.category
                .push(intern(&mut cats, &mut ix.categories, &r.category_id));
            ix.level.push(level_code(&r.level));
            ix.price_fen.push(clamp(r.price_fen));
            ix.minutes.push(clamp(r.duration_minutes));
            ix.rating.push(AtomicU32::new((r.rating as f32).to_bits()));
            ix.rating_count.push(clamp(r.rating_count));
            ix.completion
                .push(completion_rate(r.completed_count, r.learner_count));
            ix.learners.push(clamp(r.learner_count));
            ix.certificate.push(r.certificate);
            let before = inst_names.len();
            let inst = intern(&mut insts, &mut inst_names, &r.institution_id);
            if inst_names.len() > before {
                ix.institutions
                    .push((r.institution_id.clone(), r.institution_name));
            }
            ix.institution.push(inst);
            ix.lang.push(intern(&mut langs, &mut ix.langs, &r.lang));
            ix.published.push(r.published);
            let tags: Vec<String> = serde_json::from_str(&r.tags).unwrap_or_default();
            let t = super::index_tokens(
                &r.title,
                &r.subtitle,
                &tags,
                &ix.institutions[inst as usize].1,
            );
            for (text, col) in [
                (&t.title, IN_TITLE),
                (&t.body, IN_BODY),
                (&t.pinyin, IN_PINYIN),
            ] {
                for token in text.split(' ').filter(|x| !x.is_empty()) {
                    let list = postings.entry(token.to_owned()).or_default();
                    // Tokens of one course arrive together: merge its columns into one posting.
                    match list.last_mut() {
                        Some(last) if *last >> 3 == i as u32 => *last |= col,
                        _ => list.push((i as u32) << 3 | col),
                    }
                }
            }
            ix.ids.push(r.id);
        }
        let mut popular: Vec<Row> = (0..n as Row).collect();
        popular.sort_unstable_by(|&a, &b| ix.popular_cmp(a, b));
        let mut newest: Vec<Row> = (0..n as Row).collect();
        newest.sort_unstable_by(|&a, &b| ix.newest_cmp(a, b));
        ix.by_popular = popular;
        ix.by_newest = newest;
        let mut tokens: Vec<(Box<str>, Vec<u32>)> = postings
            .into_iter()
            .map(|(k, mut v)| {
                v.shrink_to_fit();
                (k.into_boxed_str(), v)
            })
            .collect();
        tokens.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        ix.tokens = tokens;
        Ok(ix)
    }

    /// Courses in the index.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Postings of the tokens equal to `token`, or starting with it when `prefix`.
    fn postings<'a>(
        &'a self,
        token: &'a str,
        prefix: bool,
    ) -> impl Iterator<Item = &'a Vec<u32>> + 'a {
        let start = self.tokens.partition_point(|(t, _)| &**t < token);
        self.tokens[start..]
            .iter()
            .take_while(move |(t, _)| {
                if prefix {
                    t.starts_with(token)
                } else {
                    &**t == token
                }
            })
            .map(|(_, p)| p)
    }

    /// The rows matching every term of `q`, with a rank (lower is better): minus the sum over
    /// terms of the best column's weight (title 10, pinyin 6, body 2).
    ///
    /// Same semantics as the parsed query: Han runs are their bigrams (or the one character),
    /// words are prefixes of any token.
    pub fn text_matches(&self, q: &super::ParsedQuery) -> Vec<(Row, f64)> {
        let terms: Vec<(&str, bool)> = q
            .terms
            .iter()
            .map(|t| (t.token.as_str(), t.prefix))
            .collect();
        if terms.is_empty() {
            return Vec::new();
        }
        let n = self.docs.len();
        // seen[row] = how many terms the row has matched so far; score = best weights summed.
        let mut seen = vec![0u8; n];
        let mut score = vec![0u16; n];
        // The best column weight of the current term per row, and the rows it matched.
        let mut term_weight = vec![0u16; n];
        let mut matched: Vec<Row> = Vec::new();
        for (k, (token, prefix)) in terms.iter().enumerate() {
            let k = k as u8;
            matched.clear();
            for list in self.postings(token, *prefix) {
                for &p in list {
                    let row = (p >> 3) as usize;
                    let w = column_weight(p & 7);
                    if seen[row] == k {
                        seen[row] = k + 1;
                        term_weight[row] = w;
                        matched.push(row as Row);
                    } else if seen[row] == k + 1 {
                        // Matched this term through another token too: keep the best column.
                        term_weight[row] = term_weight[row].max(w);
                    }
                }
            }
            for &row in &matched {
                score[row as usize] += term_weight[row as usize];
            }
        }
        let mut candidates = matched;
        candidates.sort_unstable();
        candidates
            .into_iter()
            .map(|r| (r, -f64::from(score[r as usize])))
            .collect()
    }

    /// Updates one course's average rating (after a review), without a rebuild.
    pub fn set_rating(&self, doc: i64, rating: f64) {
        if let Some(&row) = self.row_of_doc.get(&doc) {
            self.rating[row as usize].store((rating as f32).to_bits(), Ordering::Relaxed);
        }
    }

    fn rating_of(&self, r: Row) -> f32 {
        f32::from_bits(self.rating[r as usize].load(Ordering::Relaxed))
    }

    fn popular_cmp(&self, a: Row, b: Row) -> std::cmp::Ordering {
        self.learners[b as usize]
            .cmp(&self.learners[a as usize])
            .then_with(|| self.ids[a as usize].cmp(&self.ids[b as usize]))
    }

    fn newest_cmp(&self, a: Row, b: Row) -> std::cmp::Ordering {
        self.published[b as usize]
            .cmp(&self.published[a as usize])
            .then_with(|| self.ids[a as usize].cmp(&self.ids[b as usize]))
    }

    fn completion_cmp(&self, a: Row, b: Row) -> std::cmp::Ordering {
        self.completion[b as usize]
            .total_cmp(&self.completion[a as usize])
            .then_with(|| self.popular_cmp(a, b))
    }

    fn rating_cmp(&self, a: Row, b: Row) -> std::cmp::Ordering {
        self.rating_of(b)
            .total_cmp(&self.rating_of(a))
            .then_with(|| self.rating_count[b as usize].cmp(&self.rating_count[a as usize]))
            .then_with(|| self.ids[a as usize].cmp(&self.ids[b as usize]))
    }

    fn compile(&self, f: &SearchFilter) -> Compiled {
        let find16 = |list: &[String], v: &str| list.iter().position(|x| x == v).map(|i| i as u16);
        Compiled {
            category: f.category.as_deref().map(|c| find16(&self.categories, c)),
            level: f.level.map(|l| level_code(l.as_str())),
            price: f.price,
            duration: f.duration,
            min_rating: f.min_rating,
            certificate: f.certificate,
            institution: f.institution.as_deref().map(|i| {
                self.institutions
                    .iter()
                    .position(|(id, _)| id == i)
                    .map(|p| p as u32)
            }),
            lang: f.lang.as_deref().map(|l| find16(&self.langs, l)),
        }
    }

    /// Bits of the filters row `r` fails.
    fn fails(&self, c: &Compiled, r: Row) -> u8 {
        let i = r as usize;
        let mut m = 0;
        if c.category.is_some_and(|v| v != Some(self.category[i])) {
            m |= CATEGORY;
        }
        if c.level.is_some_and(|v| v != self.level[i]) {
            m |= LEVEL;
        }
        if c.price.is_some_and(|p| !price_ok(p, self.price_fen[i])) {
            m |= PRICE;
        }
        if c.duration.is_some_and(|d| !duration_ok(d, self.minutes[i])) {
            m |= DURATION;
        }
        if c.min_rating.is_some_and(|min| self.rating_of(r) < min) {
            m |= RATING;
        }
        if c.certificate && !self.certificate[i] {
            m |= CERTIFICATE;
        }
        if c.institution
            .is_some_and(|v| v != Some(self.institution[i]))
        {
            m |= INSTITUTION;
        }
        if c.lang.is_some_and(|v| v != Some(self.lang[i])) {
            m |= LANG;
        }
        m
    }

    /// Filters, counts facets, sorts and pages `candidates` (all rows when None).
    ///
    /// `matches`: the text matches as `(row, rank)` (lower rank is better), for relevance order.
    pub fn run(
        &self,
        filter: &SearchFilter,
        matches: Option<&[(Row, f64)]>,
        sort: Sort,
        limit: usize,
        offset: usize,
        with_facets: bool,
    ) -> IndexResult {
        let c = self.compile(filter);
        let mut counts = Counts::new(
            self.categories.len(),
            self.institutions.len(),
            self.langs.len(),
        );
        let mut matched: Vec<(Row, f64)> = Vec::new();
        let mut total = 0u64;
        let mut visit = |r: Row, rank: f64| {
            let m = self.fails(&c, r);
            if m == 0 {
                total += 1;
                matched.push((r, rank));
            }
            if with_facets && m.count_ones() <= 1 {
                counts.add(self, r, m);
            }
        };
        match matches {
            Some(list) => {
                for &(r, rank) in list {
                    visit(r, rank);
                }
            }
            None => (0..self.docs.len() as Row).for_each(|r| visit(r, 0.0)),
        }
        let page: Vec<Row> = match (sort, matches) {
            (Sort::Relevance, Some(_)) => {
                let cmp = |a: &(Row, f64), b: &(Row, f64)| {
                    a.1.total_cmp(&b.1).then_with(|| self.popular_cmp(a.0, b.0))
                };
                // Only the first offset + limit need ordering: select them, then sort those.
                let want = (offset + limit).min(matched.len());
                if want > 0 && want < matched.len() {
                    matched.select_nth_unstable_by(want - 1, cmp);
                    matched.truncate(want);
                }
                matched.sort_unstable_by(cmp);
                matched
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .map(|x| x.0)
                    .collect()
            }
            _ => {
                // Browse: walk the presorted order; otherwise sort the (usually small) match set.
                let presorted = match sort {
                    Sort::Newest => Some(&self.by_newest),
                    Sort::Rating | Sort::Completion => None,
                    _ => Some(&self.by_popular),
                };
                match (presorted, matches) {
                    (Some(order), None) => order
                        .iter()
                        .copied()
                        .filter(|&r| self.fails(&c, r) == 0)
                        .skip(offset)
                        .take(limit)
                        .collect(),
                    _ => {
                        let mut rows: Vec<Row> = matched.iter().map(|x| x.0).collect();
                        let cmp = |a: &Row, b: &Row| match sort {
                            Sort::Newest => self.newest_cmp(*a, *b),
                            Sort::Rating => self.rating_cmp(*a, *b),
                            Sort::Completion => self.completion_cmp(*a, *b),
                            _ => self.popular_cmp(*a, *b),
                        };
                        let want = (offset + limit).min(rows.len());
                        if want > 0 && want < rows.len() {
                            rows.select_nth_unstable_by(want - 1, cmp);
                            rows.truncate(want);
                        }
                        rows.sort_unstable_by(cmp);
                        rows.into_iter().skip(offset).take(limit).collect()
                    }
                }
            }
        };
        IndexResult {
            docs: page.into_iter().map(|r| self.docs[r as usize]).collect(),
            total,
            facets: with_facets.then(|| counts.into_facets(self)),
        }
    }
}

struct Counts {
    category: Vec<u64>,
    level: [u64; 3],
    price: [u64; 5],
    duration: [u64; 3],
    rating: [u64; 3],
    certificate: u64,
    institution: Vec<u64>,
    lang: Vec<u64>,
}

impl Counts {
    fn new(categories: usize, institutions: usize, langs: usize) -> Self {
        Counts {
            category: vec![0; categories],
            level: [0; 3],
            price: [0; 5],
            duration: [0; 3],
            rating: [0; 3],
            certificate: 0,
            institution: vec![0; institutions],
            lang: vec![0; langs],
        }
    }

    /// Counts row `r` for each dimension whose facet it belongs to: all when it passes every
    /// filter, only the failed one's when it fails exactly one.
    fn add(&mut self, ix: &CatalogIndex, r: Row, fails: u8) {
        let i = r as usize;
        let counts_for = |bit: u8| fails == 0 || fails == bit;
        if counts_for(CATEGORY) {
            self.category[ix.category[i] as usize] += 1;
        }
        if counts_for(LEVEL) {
            self.level[ix.level[i] as usize] += 1;
        }
        if counts_for(PRICE) {
            let p = ix.price_fen[i];
            let buckets = [
                p == 0,
                p > 0,
                p > 0 && p <= 10_000,
                (10_000..=50_000).contains(&p),
                p >= 50_000,
            ];
            for (k, hit) in buckets.iter().enumerate() {
                self.price[k] += u64::from(*hit);
            }
        }
        if counts_for(DURATION) {
            let m = ix.minutes[i];
            for (k, d) in [
                DurationBucket::Short,
                DurationBucket::Medium,
                DurationBucket::Long,
            ]
            .into_iter()
            .enumerate()
            {
                self.duration[k] += u64::from(duration_ok(d, m));
            }
        }
        if counts_for(RATING) {
            let rt = ix.rating_of(r);
            for (k, min) in [4.5f32, 4.0, 3.5].into_iter().enumerate() {
                self.rating[k] += u64::from(rt >= min);
            }
        }
        if counts_for(CERTIFICATE) {
            self.certificate += u64::from(ix.certificate[i]);
        }
        if counts_for(INSTITUTION) {
            self.institution[ix.institution[i] as usize] += 1;
        }
        if counts_for(LANG) {
            self.lang[ix.lang[i] as usize] += 1;
        }
    }

    fn into_facets(self, ix: &CatalogIndex) -> Facets {
        let grouped =
            |counts: &[u64], label: &dyn Fn(usize) -> (String, Option<String>), limit: usize| {
                let mut v: Vec<FacetValue> = counts
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(k, n)| {
                        let (value, label) = label(k);
                        FacetValue {
                            value,
                            label,
                            count: *n,
                        }
                    })
                    .collect();
                v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                v.truncate(limit);
                v
            };
        let fixed = |names: &[&str], counts: &[u64]| -> Vec<FacetValue> {
            names
                .iter()
                .zip(counts)
                .map(|(n, c)| FacetValue {
                    value: (*n).to_owned(),
                    label: None,
                    count: *c,
                })
                .collect()
        };
        Facets {
            category: grouped(
                &self.category,
                &|k| (ix.categories[k].clone(), None),
                usize::MAX,
            ),
            level: grouped(&self.level, &|k| (LEVELS[k].to_owned(), None), usize::MAX),
            lang: grouped(&self.lang, &|k| (ix.langs[k].clone(), None), usize::MAX),
            institution: grouped(
                &self.institution,
                &|k| {
                    (
                        ix.institutions[k].0.clone(),
                        Some(ix.institutions[k].1.clone()),
                    )
                },
                10,
            ),
            price: fixed(&["free", "paid", "0-100", "100-500", "500-"], &self.price),
            duration: fixed(&["short", "medium", "long"], &self.duration),
            min_rating: fixed(&["4.5", "4", "3.5"], &self.rating),
            certificate: fixed(&["true"], &[self.certificate]),
        }
    }
}

/// Completed ÷ learners, 0–1 (0 for a course nobody has taken).
pub fn completion_rate(completed: i64, learners: i64) -> f32 {
    if learners <= 0 {
        0.0
    } else {
        (completed.max(0) as f64 / learners as f64).min(1.0) as f32
    }
}
