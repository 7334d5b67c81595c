//! Catalog types: categories, institutions and course summaries.

use serde::{Deserialize, Serialize};

use crate::LocalizedText;

/// A top-level subject area of the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// Stable id, e.g. `it`.
    pub id: String,
    /// Display name in each locale.
    pub name: LocalizedText,
    /// Hue (0–359) the app tints this category's covers with.
    pub hue: u16,
    /// Published courses in this category.
    pub course_count: u64,
}

/// `GET /api/v1/categories`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryList {
    /// Every category, in display order.
    pub items: Vec<Category>,
}

/// The short form of an institution shown on course cards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstitutionSummary {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether the platform verified the institution's licence.
    pub verified: bool,
}

/// How demanding a course is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// No prior knowledge needed.
    Beginner,
    /// Some experience expected.
    Intermediate,
    /// For practitioners.
    Advanced,
}

impl Level {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "beginner" => Some(Level::Beginner),
            "intermediate" => Some(Level::Intermediate),
            "advanced" => Some(Level::Advanced),
            _ => None,
        }
    }
}

/// A course as listed in the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseSummary {
    /// Stable id, also used in URLs.
    pub id: String,
    /// Title in the course's language.
    pub title: String,
    /// One-line pitch.
    pub subtitle: String,
    /// Category id.
    pub category_id: String,
    /// Who teaches it.
    pub institution: InstitutionSummary,
    /// How demanding it is.
    pub level: Level,
    /// The language it is taught in (`zh-Hans`, `en`, …).
    pub lang: String,
    /// Price in fen (1/100 CNY); 0 means free.
    pub price_fen: u32,
    /// The undiscounted price in fen, when the course is on offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_price_fen: Option<u32>,
    /// Total study time in minutes.
    pub duration_minutes: u32,
    /// Number of lessons.
    pub lesson_count: u32,
    /// Average rating, 0–5 (0 when unrated).
    pub rating: f32,
    /// Number of ratings.
    pub rating_count: u32,
    /// Learners enrolled.
    pub learner_count: u32,
    /// Whether completing it earns a certificate.
    pub certificate: bool,
    /// Cover image URL; absent when the app should draw a tinted cover from the category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_url: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub published: String,
    /// Character ranges `[start, end)` of the title that matched the search query.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub highlights: Vec<[u32; 2]>,
}

impl CourseSummary {
    /// Whether the course costs nothing.
    pub fn is_free(&self) -> bool {
        self.price_fen == 0
    }
}

/// How search results are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first (the default with a query; without one, most popular).
    #[default]
    Relevance,
    /// Most learners first.
    Popular,
    /// Highest rated first.
    Rating,
    /// Most recently published first.
    Newest,
    /// Highest share of learners who completed the course first.
    Completion,
}

impl Sort {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Popular => "popular",
            Sort::Rating => "rating",
            Sort::Newest => "newest",
            Sort::Completion => "completion",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Sort> {
        [
            Sort::Relevance,
            Sort::Popular,
            Sort::Rating,
            Sort::Newest,
            Sort::Completion,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// Query of `GET /api/v1/courses`: search, filters, order and paging. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CourseQuery {
    /// Search text: Chinese characters, pinyin, initials or Latin words (at most 64 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Only courses in this category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `beginner`, `intermediate` or `advanced`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// `free`, `paid`, or a yuan range `LOW-HIGH` / `LOW-` (e.g. `100-500`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    /// Total length: `short` (< 2 h), `medium` (2–10 h) or `long` (> 10 h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Lowest average rating, 0–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_rating: Option<String>,
    /// `true`: only courses that award a certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// Only this institution's courses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// Teaching language (`zh-Hans`, `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Order of results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// Page number, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Items per page, 1–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

impl CourseQuery {
    /// The query string for these parameters (without `?`), keys in a stable order.
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        let text = [
            ("q", &self.q),
            ("category", &self.category),
            ("level", &self.level),
            ("price", &self.price),
            ("duration", &self.duration),
            ("min_rating", &self.min_rating),
            ("certificate", &self.certificate),
            ("institution", &self.institution),
            ("lang", &self.lang),
            ("sort", &self.sort),
        ];
        for (key, value) in text {
            if let Some(v) = value {
                parts.push(format!("{key}={}", encode_component(v)));
            }
        }
        if let Some(p) = self.page {
            parts.push(format!("page={p}"));
        }
        if let Some(p) = self.per_page {
            parts.push(format!("per_page={p}"));
        }
        parts.join("&")
    }
}

/// How many results one value of a filter would give, the other active filters applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    /// The filter value to send (e.g. `it`, `free`, `4.5`).
    pub value: String,
    /// A display label when the value is an id (institutions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Matching courses.
    pub count: u64,
}

/// Facet counts for each filter, each computed with all the other active filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    /// By category id.
    pub category: Vec<FacetValue>,
    /// By level.
    pub level: Vec<FacetValue>,
    /// `free`, `paid` and the yuan ranges `0-100`, `100-500`, `500-`.
    pub price: Vec<FacetValue>,
    /// `short`, `medium`, `long`.
    pub duration: Vec<FacetValue>,
    /// Lowest ratings `4.5`, `4`, `3.5`.
    pub min_rating: Vec<FacetValue>,
    /// `true`: courses with a certificate.
    pub certificate: Vec<FacetValue>,
    /// The ten institutions with most matches.
    pub institution: Vec<FacetValue>,
    /// By teaching language.
    pub lang: Vec<FacetValue>,
}

/// `GET /api/v1/courses`: one page of matching courses, the total, and facet counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseSearch {
    /// The courses on this page.
    pub items: Vec<CourseSummary>,
    /// How many courses match.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// The page size used.
    pub per_page: u32,
    /// The order used.
    pub sort: Sort,
    /// Counts per filter value.
    pub facets: Facets,
}

impl CourseSearch {
    /// Number of pages the results span (at least 1).
    pub fn page_count(&self) -> u32 {
        self.total.div_ceil(u64::from(self.per_page.max(1))).max(1) as u32
    }

    /// Whether a page follows this one.
    pub fn has_next(&self) -> bool {
        u64::from(self.page) * u64::from(self.per_page) < self.total
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters stay as they are).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_string_encodes_and_orders() {
        let q = CourseQuery {
            category: Some("电商 & co".into()),
            page: Some(2),
            ..Default::default()
        };
        assert_eq!(
            q.to_query_string(),
            "category=%E7%94%B5%E5%95%86%20%26%20co&page=2"
        );
        let q = CourseQuery {
            q: Some("ds".into()),
            sort: Some("rating".into()),
            ..Default::default()
        };
        assert_eq!(q.to_query_string(), "q=ds&sort=rating");
        assert_eq!(CourseQuery::default().to_query_string(), "");
    }

    #[test]
    fn course_summary_omits_absent_optionals() {
        let c = CourseSummary {
            id: "x".into(),
            title: "t".into(),
            subtitle: "s".into(),
            category_id: "it".into(),
            institution: InstitutionSummary {
                id: "i".into(),
                name: "n".into(),
                verified: true,
            },
            level: Level::Beginner,
            lang: "zh-Hans".into(),
            price_fen: 0,
            list_price_fen: None,
            duration_minutes: 10,
            lesson_count: 2,
            rating: 4.5,
            rating_count: 3,
            learner_count: 9,
            certificate: false,
            cover_url: None,
            published: "2026-01-02".into(),
            highlights: vec![],
        };
        let v = serde_json::to_value(&c).unwrap();
        assert!(v.get("list_price_fen").is_none() && v.get("cover_url").is_none());
        assert!(v.get("highlights").is_none());
        assert_eq!(v["level"], "beginner");
        assert!(c.is_free());
        let back: CourseSummary = serde_json::from_value(v).unwrap();
        assert_eq!(back, c);
    }
}
