//! App-wide state as context newtypes: `provide_x` at the root, `use_x` below.

pub mod session;
pub mod storage;
pub mod sync;

pub use session::{provide_session, use_session, SessionState};

use crate::i18n::{self, Locale, Messages};
use crate::prelude::*;

/// The display locale, persisted across visits.
#[derive(Clone, Copy)]
pub struct I18n(RwSignal<Locale>);

impl I18n {
    /// An I18n outside the app's context (the embed).
    pub fn fixed(locale: Locale) -> I18n {
        I18n(RwSignal::new(locale))
    }

    /// The current locale (tracked).
    pub fn locale(&self) -> Locale {
        self.0.get()
    }

    /// The current locale's messages (tracked).
    pub fn t(&self) -> &'static Messages {
        i18n::messages(self.0.get())
    }

    /// A reactive text from the current locale's messages.
    ///
    /// All call sites share one closure type, so the view code for reactive text is generated once
    /// (a `i18n.text(|t| t.x)` per site would be monomorphised per site and bloat the wasm).
    pub fn text(
        self,
        pick: fn(&'static Messages) -> &'static str,
    ) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || pick(self.t())
    }

    /// A reactive text formatted from `arg` in the current locale (one closure type per argument type).
    pub fn format<A: Copy + Send + Sync + 'static>(
        self,
        arg: A,
        f: fn(Locale, A) -> String,
    ) -> impl Fn() -> String + Copy + Send + Sync + 'static {
        move || f(self.locale(), arg)
    }

    /// Switches the locale, remembers it, and updates `<html lang>`.
    pub fn set(&self, locale: Locale) {
        storage::set(i18n::LOCALE_KEY, locale.as_str());
        self.0.set(locale);
    }
}

/// Provides [`I18n`] from the stored locale and keeps `<html lang>` and the title in step.
pub fn provide_i18n() -> I18n {
    let i18n = I18n(RwSignal::new(i18n::stored_locale()));
    Effect::new(move |_| {
        let locale = i18n.locale();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", locale.as_str());
        }
    });
    provide_context(i18n);
    i18n
}

/// The app's [`I18n`].
pub fn use_i18n() -> I18n {
    // provide_i18n runs in App before any page; without it there is nothing to render anyway.
    use_context::<I18n>().unwrap_or_else(|| I18n(RwSignal::new(Locale::default())))
}

/// Sets the document title to `page · brand` now (for views that are not Leptos components).
pub fn set_title(i18n: I18n, page: &str) {
    let brand = i18n.t().brand;
    document().set_title(&if page.is_empty() {
        brand.to_owned()
    } else {
        format!("{page} · {brand}")
    });
}

/// Sets the document title to `page · brand` while the calling component lives.
pub fn use_title(page: impl Fn() -> String + 'static) {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let brand = i18n.t().brand;
        let page = page();
        let title = if page.is_empty() {
            brand.to_owned()
        } else {
            format!("{page} · {brand}")
        };
        document().set_title(&title);
    });
}
