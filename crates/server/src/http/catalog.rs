//! Catalog routes: categories and the course listing.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use jieti_api::{CategoryList, CourseSearch, Level, Sort, DEFAULT_PER_PAGE, MAX_PER_PAGE};

use super::{public_cache, ApiQuery, ApiRoutes};
use crate::db::catalog as q;
use crate::db::search::{self as search_db, DurationBucket, PriceFilter, SearchFilter};
use crate::error::{AppError, AppResult};
use crate::search::{self, MAX_QUERY_CHARS};
use crate::AppState;

/// Deepest page served; deeper offsets would scan for nothing a person reads.
pub const MAX_PAGE: u32 = 10_000;

pub(super) fn routes(r: ApiRoutes) -> ApiRoutes {
    r.get("/categories", categories).get("/courses", courses)
}

async fn categories(State(state): State<AppState>) -> AppResult<Response> {
    let items = q::list_categories(&state.db).await?;
    Ok(public_cache(Json(CategoryList { items })))
}

/// The raw query of `GET /courses`: strings, so each bad value gets an error naming its field.
#[derive(serde::Deserialize)]
struct RawCourseQuery {
    q: Option<String>,
    category: Option<String>,
    level: Option<String>,
    price: Option<String>,
    duration: Option<String>,
    min_rating: Option<String>,
    certificate: Option<String>,
    institution: Option<String>,
    lang: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    facets: Option<String>,
}

/// A present, non-blank parameter.
fn given(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

pub(super) fn whole(field: &str, v: Option<String>, default: u32, max: u32) -> AppResult<u32> {
    let Some(v) = given(v) else {
        return Ok(default);
    };
    match v.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(AppError::bad_field(
            field,
            format!("{field} must be a whole number from 1 to {max}"),
        )),
    }
}

fn yuan(field: &str, s: &str) -> AppResult<u32> {
    s.parse::<u32>()
        .ok()
        .filter(|y| *y <= 1_000_000)
        .map(|y| y * 100)
        .ok_or_else(|| {
            AppError::bad_field(
                field,
                "price must be free, paid, or a yuan range like 100-500 or 500-",
            )
        })
}

fn parse_price(v: &str) -> AppResult<PriceFilter> {
    match v {
        "free" => Ok(PriceFilter::Free),
        "paid" => Ok(PriceFilter::Paid),
        range => {
            let (lo, hi) = range.split_once('-').ok_or_else(|| {
                AppError::bad_field(
                    "price",
                    "price must be free, paid, or a yuan range like 100-500 or 500-",
                )
            })?;
            let min = yuan("price", lo)?;
            let max = if hi.is_empty() {
                None
            } else {
                Some(yuan("price", hi)?)
            };
            if max.is_some_and(|m| m < min) {
                return Err(AppError::bad_field(
                    "price",
                    "the price range's upper bound is below its lower bound",
                ));
            }
            Ok(PriceFilter::Range { min, max })
        }
    }
}

async fn parse_filter(
    state: &AppState,
    raw: RawCourseQuery,
) -> AppResult<(SearchFilter, Sort, u32, u32)> {
    let mut f = SearchFilter::default();
    if let Some(q) = given(raw.q) {
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::bad_field(
                "q",
                format!("the search text is longer than {MAX_QUERY_CHARS} characters"),
            ));
        }
        f.q = search::parse_query(&q);
    }
    if let Some(c) = given(raw.category) {
        if !q::category_exists(&state.db, &c).await? {
            return Err(AppError::bad_field(
                "category",
                format!("unknown category {c:?}"),
            ));
        }
        f.category = Some(c);
    }
    if let Some(l) = given(raw.level) {
        f.level = Some(Level::parse(&l).ok_or_else(|| {
            AppError::bad_field("level", "level must be beginner, intermediate or advanced")
        })?);
    }
    if let Some(p) = given(raw.price) {
        f.price = Some(parse_price(&p)?);
    }
    if let Some(d) = given(raw.duration) {
        f.duration = Some(DurationBucket::parse(&d).ok_or_else(|| {
            AppError::bad_field("duration", "duration must be short, medium or long")
        })?);
    }
    if let Some(r) = given(raw.min_rating) {
        let r: f32 = r
            .parse()
            .ok()
            .filter(|r: &f32| (0.0..=5.0).contains(r))
            .ok_or_else(|| {
                AppError::bad_field("min_rating", "min_rating must be a number from 0 to 5")
            })?;
        f.min_rating = Some(r);
    }
    if let Some(c) = given(raw.certificate) {
        f.certificate = match c.as_str() {
            "true" => true,
            "false" => false,
            _ => {
                return Err(AppError::bad_field(
                    "certificate",
                    "certificate must be true or false",
                ))
            }
        };
    }
    if let Some(i) = given(raw.institution) {
        if !q::institution_exists(&state.db, &i).await? {
            return Err(AppError::bad_field(
                "institution",
                format!("unknown institution {i:?}"),
            ));
        }
        f.institution = Some(i);
    }
    if let Some(l) = given(raw.lang) {
        let ok = l.len() <= 16 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok {
            return Err(AppError::bad_field(
                "lang",
                "lang must be a language tag like zh-Hans or en",
            ));
        }
        f.lang = Some(l);
    }
    let sort = match given(raw.sort) {
        Some(s) => Sort::parse(&s).ok_or_else(|| {
            AppError::bad_field("sort", "sort must be relevance, popular, rating or newest")
        })?,
        None => Sort::Relevance,
    };
    let page = whole("page", raw.page, 1, MAX_PAGE)?;
    let per_page = whole("per_page", raw.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE)?;
    Ok((f, sort, page, per_page))
}

async fn courses(
    State(state): State<AppState>,
    ApiQuery(mut raw): ApiQuery<RawCourseQuery>,
) -> AppResult<Response> {
    let with_facets = match given(raw.facets.take()).as_deref() {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => {
            return Err(AppError::bad_field(
                "facets",
                "facets must be true or false",
            ))
        }
    };
    let (filter, sort, page, per_page) = parse_filter(&state, raw).await?;
    let sort = if filter.q.is_none() && sort == Sort::Relevance {
        Sort::Popular
    } else {
        sort
    };
    let index = state.catalog_index().await?;
    let matches = filter.q.as_ref().map(|q| index.text_matches(q));
    let offset = (page as usize - 1) * per_page as usize;
    let found = index.run(
        &filter,
        matches.as_deref(),
        sort,
        per_page as usize,
        offset,
        with_facets,
    );
    let items = search_db::courses_by_docs(&state.db, &found.docs, filter.q.as_ref()).await?;
    Ok(public_cache(Json(CourseSearch {
        items,
        total: found.total,
        page,
        per_page,
        sort,
        facets: found.facets.unwrap_or_default(),
    })))
}
