//! The Jieti API contract: the serde types every request, response and error of `/api/v1`
//! is made of. The app and any server depend on this crate; nothing else is shared.
//!
//! Kept free of web frameworks and databases so that it compiles small into the wasm app.

mod account;
mod catalog;
mod course;
mod dashboard;
mod embed;
mod error;
mod learn;
mod quiz;

pub use account::*;
pub use catalog::*;
pub use course::*;
pub use dashboard::*;
pub use embed::*;
pub use error::*;
pub use learn::*;
pub use quiz::*;

use serde::{Deserialize, Serialize};

/// Base path of every API route.
pub const API_BASE: &str = "/api/v1";

/// Most items a client may ask for in one page.
pub const MAX_PER_PAGE: u32 = 100;

/// Items per page when the client does not say.
pub const DEFAULT_PER_PAGE: u32 = 20;

/// One page of a list, with the total the whole list holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// How many items the whole list holds.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// The page size used.
    pub per_page: u32,
}

impl<T> Page<T> {
    /// Number of pages the whole list spans (at least 1).
    pub fn page_count(&self) -> u32 {
        let per = u64::from(self.per_page.max(1));
        self.total.div_ceil(per).max(1) as u32
    }

    /// Whether a page follows this one.
    pub fn has_next(&self) -> bool {
        u64::from(self.page) * u64::from(self.per_page) < self.total
    }
}

/// A display locale of the app and of localized API text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    /// Simplified Chinese, the default.
    #[default]
    #[serde(rename = "zh-Hans")]
    ZhHans,
    /// Traditional Chinese.
    #[serde(rename = "zh-Hant")]
    ZhHant,
    /// English.
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// Every locale, default first.
    pub const ALL: [Locale; 3] = [Locale::ZhHans, Locale::ZhHant, Locale::En];

    /// The BCP 47 tag (`zh-Hans`, `zh-Hant`, `en`).
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::ZhHans => "zh-Hans",
            Locale::ZhHant => "zh-Hant",
            Locale::En => "en",
        }
    }

    /// Parses a BCP 47 tag, accepting common regional forms (`zh-CN`, `zh-TW`, `en-US`).
    pub fn parse(tag: &str) -> Option<Locale> {
        let t = tag.trim().to_ascii_lowercase().replace('_', "-");
        match t.as_str() {
            "zh-hans" | "zh-cn" | "zh-sg" | "zh" | "zh-hans-cn" => Some(Locale::ZhHans),
            "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" | "zh-hant-tw" | "zh-hant-hk" => {
                Some(Locale::ZhHant)
            }
            _ if t == "en" || t.starts_with("en-") => Some(Locale::En),
            _ => None,
        }
    }
}

/// A text given in each display locale.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalizedText {
    /// Simplified Chinese.
    pub zh_hans: String,
    /// Traditional Chinese.
    pub zh_hant: String,
    /// English.
    pub en: String,
}

impl LocalizedText {
    /// The text in `locale`.
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::ZhHans => &self.zh_hans,
            Locale::ZhHant => &self.zh_hant,
            Locale::En => &self.en,
        }
    }
}

/// `GET /api/v1/health`: the server is up and its database answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// Always `ok` when the server can answer.
    pub status: String,
    /// The server's version.
    pub version: String,
    /// Courses in the catalog.
    pub courses: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_count_and_next() {
        let p = Page::<u8> {
            items: vec![],
            total: 41,
            page: 2,
            per_page: 20,
        };
        assert_eq!(p.page_count(), 3);
        assert!(p.has_next());
        let last = Page::<u8> {
            page: 3,
            ..p.clone()
        };
        assert!(!last.has_next());
        let empty = Page::<u8> {
            items: vec![],
            total: 0,
            page: 1,
            per_page: 20,
        };
        assert_eq!(empty.page_count(), 1);
        assert!(!empty.has_next());
    }

    #[test]
    fn locale_round_trips_and_parses_regional_tags() {
        for l in Locale::ALL {
            let json = serde_json::to_string(&l).unwrap();
            assert_eq!(json, format!("\"{}\"", l.as_str()));
            assert_eq!(serde_json::from_str::<Locale>(&json).unwrap(), l);
            assert_eq!(Locale::parse(l.as_str()), Some(l));
        }
        assert_eq!(Locale::parse("zh-CN"), Some(Locale::ZhHans));
        assert_eq!(Locale::parse("zh_TW"), Some(Locale::ZhHant));
        assert_eq!(Locale::parse("en-GB"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
    }
}
