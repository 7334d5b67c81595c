//! Every string the app shows, in zh-Hans (default), zh-Hant and en.
//!
//! Messages are a struct, not a key lookup: a locale missing a string does not compile.

mod en;
mod zh_hans;
mod zh_hant;

pub use jieti_api::Locale;

use crate::state::storage;

/// Storage key of the learner's chosen locale.
pub const LOCALE_KEY: &str = "jieti.locale";

/// The fixed strings of one locale.
pub struct Messages {
    /// Name of the app.
    pub brand: &'static str,
    /// Link that skips to the main content.
    pub skip_to_content: &'static str,
    /// Label of the main navigation.
    pub nav_label: &'static str,
    /// Nav: the catalog.
    pub nav_catalog: &'static str,
    /// Nav: search.
    pub nav_search: &'static str,
    /// Nav: the learner's dashboard.
    pub nav_dashboard: &'static str,
    /// Nav: sign in.
    pub nav_sign_in: &'static str,
    /// Label of the language menu.
    pub language: &'static str,
    /// Heading of the catalog page.
    pub catalog_title: &'static str,
    /// Label of the category filter.
    pub categories_label: &'static str,
    /// Said where the category chips would be when they could not be loaded.
    pub categories_failed: &'static str,
    /// The "all categories" chip.
    pub all_categories: &'static str,
    /// Price tag of a free course.
    pub free: &'static str,
    /// Badge: completing the course earns a certificate.
    pub certificate: &'static str,
    /// Badge of a verified institution.
    pub verified: &'static str,
    /// Beginner level.
    pub level_beginner: &'static str,
    /// Intermediate level.
    pub level_intermediate: &'static str,
    /// Advanced level.
    pub level_advanced: &'static str,
    /// Label of the pagination.
    pub pagination_label: &'static str,
    /// Previous page.
    pub prev_page: &'static str,
    /// Next page.
    pub next_page: &'static str,
    /// Text while loading.
    pub loading: &'static str,
    /// Title of the error view.
    pub error_title: &'static str,
    /// Error view: the network failed.
    pub error_network: &'static str,
    /// Error view: the server failed.
    pub error_server: &'static str,
    /// Error view: the request was refused as bad.
    pub error_request: &'static str,
    /// Retry button.
    pub retry: &'static str,
    /// No courses match.
    pub empty_courses: &'static str,
    /// Link back to the catalog.
    pub back_to_catalog: &'static str,
    /// Page names, for titles of pages still being built.
    pub page_search: &'static str,
    /// Course page.
    pub page_course: &'static str,
    /// Institution page.
    pub page_institution: &'static str,
    /// Learning player.
    pub page_learn: &'static str,
    /// Quiz page.
    pub page_quiz: &'static str,
    /// Sign-in page.
    pub page_sign_in: &'static str,
    /// Price filter: paid courses.
    pub paid: &'static str,
    /// Duration filter: under two hours.
    pub duration_short: &'static str,
    /// Duration filter: two to ten hours.
    pub duration_medium: &'static str,
    /// Duration filter: over ten hours.
    pub duration_long: &'static str,
    /// Filter: courses that award a certificate.
    pub with_certificate: &'static str,
    /// Filter legend: level.
    pub filter_level: &'static str,
    /// Filter legend: price.
    pub filter_price: &'static str,
    /// Filter legend: length.
    pub filter_duration: &'static str,
    /// Filter legend: rating.
    pub filter_rating: &'static str,
    /// Filter legend: teaching language.
    pub filter_lang: &'static str,
    /// Filter legend: institution.
    pub filter_institution: &'static str,
    /// The filters panel and its button.
    pub filters: &'static str,
    /// Filter option: no restriction.
    pub any: &'static str,
    /// Label of the active filter list.
    pub active_filters: &'static str,
    /// Link that clears all filters.
    pub clear_filters: &'static str,
    /// Close button.
    pub close: &'static str,
    /// Label of the sort menu.
    pub sort_label: &'static str,
    /// Sort: best match.
    pub sort_relevance: &'static str,
    /// Sort: most learners.
    pub sort_popular: &'static str,
    /// Sort: highest rated.
    pub sort_rating: &'static str,
    /// Sort: newest.
    pub sort_newest: &'static str,
    /// Sort: highest completion rate first.
    pub sort_completion: &'static str,
    /// Label of the results region.
    pub results_label: &'static str,
    /// Label of the search box.
    pub search_label: &'static str,
    /// Placeholder of the search box.
    pub search_placeholder: &'static str,
    /// Before suggested searches.
    pub try_searching: &'static str,
    /// Lesson kind: video.
    pub kind_video: &'static str,
    /// Lesson kind: article.
    pub kind_article: &'static str,
    /// Heading: what the course teaches.
    pub outcomes: &'static str,
    /// Heading: the syllabus.
    pub syllabus: &'static str,
    /// Heading: the course's quizzes and mock exams.
    pub quizzes: &'static str,
    /// Quiz modes: practice, graded quiz, mock exam.
    pub quiz_modes: [&'static str; 3],
    /// Heading: what learners need first.
    pub requirements: &'static str,
    /// Heading: the course description.
    pub about_course: &'static str,
    /// Heading: reviews.
    pub reviews: &'static str,
    /// Label of the rating bars.
    pub rating_distribution: &'static str,
    /// No reviews yet.
    pub no_reviews: &'static str,
    /// Button: load more reviews.
    pub more_reviews: &'static str,
    /// Button: enrol in the course.
    pub enroll: &'static str,
    /// Link: start learning an enrolled course.
    pub start_learning: &'static str,
    /// Button: leave the course.
    pub leave_course: &'static str,
    /// Status after enrolling.
    pub enrolled_note: &'static str,
    /// Status after leaving.
    pub left_note: &'static str,
    /// Link for guests: sign up to keep progress on every device.
    pub keep_progress: &'static str,
    /// Heading: the institution quality index.
    pub quality_index: &'static str,
    /// The quality index formula in one sentence.
    pub quality_formula: &'static str,
    /// Quality part: completion rate.
    pub completion_rate: &'static str,
    /// Quality part: learners active in the last 30 days.
    pub active_learners: &'static str,
    /// Quality part: reported employment rate.
    pub employment_rate: &'static str,
    /// Heading: about the institution.
    pub about_institution: &'static str,
    /// Link: all of the institution's courses in search.
    pub all_courses: &'static str,
    /// Sign in (title and button).
    pub sign_in: &'static str,
    /// Sign up (title and button).
    pub sign_up: &'static str,
    /// Sign out button.
    pub sign_out: &'static str,
    /// The sign-out button while unsent progress goes first.
    pub signing_out: &'static str,
    /// Field: display name.
    pub display_name: &'static str,
    /// Field: email.
    pub email: &'static str,
    /// Field: password.
    pub password: &'static str,
    /// Hint under the new password.
    pub password_hint: &'static str,
    /// Before the sign-in link.
    pub have_account: &'static str,
    /// Before the sign-up link.
    pub no_account: &'static str,
    /// Why sign up: guest progress is kept.
    pub guest_note: &'static str,
    /// Error: display name length.
    pub err_name: &'static str,
    /// Error: email format.
    pub err_email: &'static str,
    /// Error: password too short.
    pub err_password_short: &'static str,
    /// Error: password missing.
    pub err_password_empty: &'static str,
    /// Error: wrong email or password.
    pub err_credentials: &'static str,
    /// Error: too many attempts.
    pub err_rate_limited: &'static str,
    /// Before the characters a pinyin query matched.
    pub suggestions: &'static str,
    /// Heading: the learner's own review.
    pub my_review: &'static str,
    /// Field: the review text.
    pub review_body: &'static str,
    /// Button: save the review.
    pub save_review: &'static str,
    /// Button: delete the review.
    pub delete_review: &'static str,
    /// Status after saving a review.
    pub review_saved: &'static str,
    /// Status after deleting a review.
    pub review_deleted: &'static str,
    /// Error: no stars chosen.
    pub err_rating: &'static str,
    /// Title of the 404 page.
    pub not_found_title: &'static str,
    /// Body of the 404 page.
    pub not_found_body: &'static str,
    /// Title of the crash view.
    pub crash_title: &'static str,
    /// Body of the crash view.
    pub crash_body: &'static str,
    /// Reload link of the crash view.
    pub reload: &'static str,
}

/// The messages of `locale`.
pub fn messages(locale: Locale) -> &'static Messages {
    match locale {
        Locale::ZhHans => &zh_hans::MESSAGES,
        Locale::ZhHant => &zh_hant::MESSAGES,
        Locale::En => &en::MESSAGES,
    }
}

/// The locale's own name, as shown in the language menu.
pub fn native_name(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhHans => "简体中文",
        Locale::ZhHant => "繁體中文",
        Locale::En => "English",
    }
}

/// The locale the learner chose before, else the browser's language, else zh-Hans.
pub fn stored_locale() -> Locale {
    storage::get(LOCALE_KEY)
        .and_then(|s| Locale::parse(&s))
        .or_else(|| {
            let langs = web_sys::window()?.navigator().languages();
            langs
                .iter()
                .filter_map(|l| l.as_string())
                .find_map(|l| Locale::parse(&l))
        })
        .unwrap_or_default()
}

/// A count of learners, compact: `12.3万人学过`, `12.3k learners`.
pub fn learners(locale: Locale, n: u32) -> String {
    match locale {
        Locale::ZhHans => format!("{}人学过", compact_zh(n, "万")),
        Locale::ZhHant => format!("{}人學過", compact_zh(n, "萬")),
        Locale::En => format!("{} learners", compact_en(n)),
    }
}

/// A lesson count: `12课时`, `12 lessons`.
pub fn lessons(locale: Locale, n: u32) -> String {
    match locale {
        Locale::ZhHans => format!("{n}课时"),
        Locale::ZhHant => format!("{n}課時"),
        Locale::En if n == 1 => "1 lesson".into(),
        Locale::En => format!("{n} lessons"),
    }
}

/// A study time: `3小时20分钟`, `3 h 20 min`.
pub fn duration(locale: Locale, minutes: u32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (locale, h, m) {
        (Locale::En, 0, m) => format!("{m} min"),
        (Locale::En, h, 0) => format!("{h} h"),
        (Locale::En, h, m) => format!("{h} h {m} min"),
        (Locale::ZhHant, 0, m) => format!("{m}分鐘"),
        (Locale::ZhHant, h, 0) => format!("{h}小時"),
        (Locale::ZhHant, h, m) => format!("{h}小時{m}分鐘"),
        (Locale::ZhHans, 0, m) => format!("{m}分钟"),
        (Locale::ZhHans, h, 0) => format!("{h}小时"),
        (Locale::ZhHans, h, m) => format!("{h}小时{m}分钟"),
    }
}

/// A page position: `第 2 / 5 页`, `Page 2 of 5`.
pub fn page_of(locale: Locale, page: u32, pages: u32) -> String {
    match locale {
        Locale::ZhHans => format!("第 {page} / {pages} 页"),
        Locale::ZhHant => format!("第 {page} / {pages} 頁"),
        Locale::En => format!("Page {page} of {pages}"),
    }
}

/// A result count: `共 48 门课程`, `48 courses`.
pub fn course_total(locale: Locale, n: u64) -> String {
    match locale {
        Locale::ZhHans => format!("共 {n} 门课程"),
        Locale::ZhHant => format!("共 {n} 門課程"),
        Locale::En if n == 1 => "1 course".into(),
        Locale::En => format!("{n} courses"),
    }
}

/// A number to one decimal (`4.8`), without float formatting (which costs the wasm ~10 KB).
pub fn tenths(x: f32) -> String {
    let t = (x.max(0.0) * 10.0).round() as u32;
    format!("{}.{}", t / 10, t % 10)
}

/// A rating with its count for screen readers: `评分 4.8，共 1234 人评价`.
pub fn rating_label(locale: Locale, rating: f32, count: u32) -> String {
    match locale {
        Locale::ZhHans => format!("评分 {}，共 {count} 人评价", tenths(rating)),
        Locale::ZhHant => format!("評分 {}，共 {count} 人評價", tenths(rating)),
        Locale::En => format!("Rated {} by {count} learners", tenths(rating)),
    }
}

/// A price in yuan from fen: `¥199`, `¥9.90`.
pub fn price(fen: u32) -> String {
    if fen.is_multiple_of(100) {
        format!("¥{}", fen / 100)
    } else {
        format!("¥{}.{:02}", fen / 100, fen % 100)
    }
}

/// The previous price, struck through: label for screen readers.
pub fn list_price_label(locale: Locale, fen: u32) -> String {
    match locale {
        Locale::ZhHans => format!("原价 {}", price(fen)),
        Locale::ZhHant => format!("原價 {}", price(fen)),
        Locale::En => format!("was {}", price(fen)),
    }
}

/// A level's name.
pub fn level_name(t: &Messages, level: jieti_api::Level) -> &'static str {
    match level {
        jieti_api::Level::Beginner => t.level_beginner,
        jieti_api::Level::Intermediate => t.level_intermediate,
        jieti_api::Level::Advanced => t.level_advanced,
    }
}

/// A price range filter (`0-100`, `100-500`, `500-`, in yuan): `¥100 以内`, `¥100–500`, `¥500 以上`.
pub fn price_range(locale: Locale, range: &str) -> String {
    let (lo, hi) = range.split_once('-').unwrap_or((range, ""));
    match (locale, lo, hi) {
        (Locale::En, "0", hi) => format!("Up to ¥{hi}"),
        (Locale::En, lo, "") => format!("¥{lo} and up"),
        (Locale::ZhHant, "0", hi) => format!("¥{hi} 以內"),
        (_, "0", hi) => format!("¥{hi} 以内"),
        (_, lo, "") => format!("¥{lo} 以上"),
        (_, lo, hi) => format!("¥{lo}–{hi}"),
    }
}

/// A rating floor: `4.5 分以上`, `4.5 and up`.
pub fn rating_at_least(locale: Locale, value: &str) -> String {
    match locale {
        Locale::En => format!("{value}★ and up"),
        Locale::ZhHant => format!("{value} 分以上"),
        Locale::ZhHans => format!("{value} 分以上"),
    }
}

/// The result count: `共 48 门课程`, or `找到 9 门“电商”相关课程` for a search.
pub fn search_total(locale: Locale, n: u64, q: Option<String>) -> String {
    match (locale, q) {
        (Locale::ZhHans, Some(q)) => format!("找到 {n} 门与“{q}”相关的课程"),
        (Locale::ZhHant, Some(q)) => format!("找到 {n} 門與「{q}」相關的課程"),
        (Locale::En, Some(q)) if n == 1 => format!("1 course for “{q}”"),
        (Locale::En, Some(q)) => format!("{n} courses for “{q}”"),
        (locale, None) => course_total(locale, n),
    }
}

/// Label of an active-filter chip's remove link.
pub fn remove_filter(locale: Locale, label: &str) -> String {
    match locale {
        Locale::ZhHans => format!("移除筛选：{label}"),
        Locale::ZhHant => format!("移除篩選：{label}"),
        Locale::En => format!("Remove filter: {label}"),
    }
}

/// The filter drawer's done button: `查看 12 门课程`.
pub fn show_results(locale: Locale, n: u64) -> String {
    match locale {
        Locale::ZhHans => format!("查看 {n} 门课程"),
        Locale::ZhHant => format!("查看 {n} 門課程"),
        Locale::En => format!("Show {n} courses"),
    }
}

/// A rating count: `12640 人评价`, `12,640 ratings`.
pub fn ratings(locale: Locale, n: u32) -> String {
    match locale {
        Locale::ZhHans => format!("{n} 人评价"),
        Locale::ZhHant => format!("{n} 人評價"),
        Locale::En if n == 1 => "1 rating".into(),
        Locale::En => format!("{n} ratings"),
    }
}

/// A review's stars for screen readers: `5 星`, `5 stars`.
pub fn stars(locale: Locale, n: u8) -> String {
    match locale {
        Locale::En => format!("{n} stars"),
        _ => format!("{n} 星"),
    }
}

/// All an institution's learners: `累计 12.3万人学过`.
pub fn learners_total(locale: Locale, n: u64) -> String {
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    match locale {
        Locale::ZhHans => format!("累计 {}", learners(locale, n)),
        Locale::ZhHant => format!("累計 {}", learners(locale, n)),
        Locale::En => format!("{} in total", learners(locale, n)),
    }
}

/// A quiz's length: `8 题` / `8 questions`.
pub fn questions(locale: Locale, n: u32) -> String {
    match locale {
        Locale::ZhHans | Locale::ZhHant => format!("{n} 题"),
        Locale::En if n == 1 => "1 question".into(),
        Locale::En => format!("{n} questions"),
    }
}

/// The syllabus in one line: `3 章 · 13 课时 · 2小时50分钟`.
pub fn syllabus_summary(locale: Locale, chapters: usize, lessons_n: u32, minutes: u32) -> String {
    let ch = match locale {
        Locale::En if chapters == 1 => "1 chapter".to_owned(),
        Locale::En => format!("{chapters} chapters"),
        _ => format!("{chapters} 章"),
    };
    format!(
        "{ch} · {} · {}",
        lessons(locale, lessons_n),
        duration(locale, minutes)
    )
}

/// The data all the videos take: ` · 视频共约 150.2 MB（240p）`.
pub fn data_note(locale: Locale, total: &str, rendition: &str) -> String {
    match locale {
        Locale::ZhHans => format!(" · 视频共约 {total}（{rendition}）"),
        Locale::ZhHant => format!(" · 影片共約 {total}（{rendition}）"),
        Locale::En => format!(" · videos about {total} at {rendition}"),
    }
}

/// The founding year: ` · 成立于 2015 年`.
pub fn founded(locale: Locale, year: i32) -> String {
    match locale {
        Locale::ZhHans => format!(" · 成立于 {year} 年"),
        Locale::ZhHant => format!(" · 成立於 {year} 年"),
        Locale::En => format!(" · founded {year}"),
    }
}

/// Who is signed in: `已登录：小王`.
pub fn signed_in_as(locale: Locale, who: &str) -> String {
    match locale {
        Locale::ZhHans => format!("已登录：{who}"),
        Locale::ZhHant => format!("已登入：{who}"),
        Locale::En => format!("Signed in as {who}"),
    }
}

fn compact_zh(n: u32, wan: &str) -> String {
    if n >= 10_000 {
        let tenths = (u64::from(n) + 500) / 1_000;
        if tenths.is_multiple_of(10) {
            format!("{}{wan}", tenths / 10)
        } else {
            format!("{}.{}{wan}", tenths / 10, tenths % 10)
        }
    } else {
        n.to_string()
    }
}

fn compact_en(n: u32) -> String {
    let n = u64::from(n);
    let one_decimal = |tenths: u64, unit: &str| {
        if tenths.is_multiple_of(10) {
            format!("{}{unit}", tenths / 10)
        } else {
            format!("{}.{}{unit}", tenths / 10, tenths % 10)
        }
    };
    if n >= 1_000_000 {
        one_decimal((n + 50_000) / 100_000, "M")
    } else if n >= 10_000 {
        format!("{}k", (n + 500) / 1_000)
    } else if n >= 1_000 {
        one_decimal((n + 50) / 100, "k")
    } else {
        n.to_string()
    }
}

/// Megabytes with one decimal, from bytes (`7.4 MB`), without float formatting.
pub fn megabytes(bytes: u64) -> String {
    let tenths = (bytes + 50_000) / 100_000;
    format!("{}.{} MB", tenths / 10, tenths % 10)
}

/// A length of time as a clock: `8:00`, `1:02:30`.
pub fn clock(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn formats_numbers_per_locale() {
        assert_eq!(learners(Locale::ZhHans, 123_456), "12.3万人学过");
        assert_eq!(learners(Locale::ZhHant, 20_000), "2萬人學過");
        assert_eq!(learners(Locale::ZhHans, 999), "999人学过");
        assert_eq!(learners(Locale::En, 1_234), "1.2k learners");
        assert_eq!(price(19_900), "¥199");
        assert_eq!(price(990), "¥9.90");
        assert_eq!(duration(Locale::ZhHans, 200), "3小时20分钟");
        assert_eq!(duration(Locale::En, 45), "45 min");
        assert_eq!(lessons(Locale::En, 1), "1 lesson");
        assert_eq!(learners(Locale::En, 56_789), "57k learners");
        assert_eq!(learners(Locale::En, 2_000_000), "2M learners");
        assert_eq!(tenths(4.75), "4.8");
        assert_eq!(tenths(4.0), "4.0");
    }
}
